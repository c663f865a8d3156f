#include "rag/conversation.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "util/strings.h"
#include "util/utf8.h"

namespace ls::rag {
namespace {

struct Counts {
  int han = 0, latin_words = 0;
};

bool is_han(uint32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF); }

Counts count(const std::string& s) {
  Counts c;
  bool in_word = false;
  size_t i = 0;
  while (i < s.size()) {
    const uint32_t cp = utf8::decode_one(s, i);  // advances i
    const bool letter = cp < 0x80 && std::isalnum(static_cast<int>(cp));
    if (letter && !in_word) ++c.latin_words;
    in_word = letter;
    if (is_han(cp)) ++c.han;
  }
  return c;
}

// Words that point back at an earlier turn.
bool anaphoric(const std::string& text) {
  static constexpr std::array<std::string_view, 12> kEn = {"it", "its", "this", "that", "they", "them",
                                                           "these", "those", "he", "she", "him", "her"};
  static constexpr std::array<std::string_view, 9> kZh = {"它", "他", "她", "这个", "那个", "其", "该", "这", "那"};
  for (auto z : kZh)
    if (text.find(z) != std::string::npos) return true;
  std::string lower = to_lower_ascii(text);
  std::string word;
  for (size_t i = 0; i <= lower.size(); ++i) {
    const char ch = i < lower.size() ? lower[i] : ' ';
    if (std::isalpha(static_cast<unsigned char>(ch))) {
      word += ch;
    } else {
      if (std::find(kEn.begin(), kEn.end(), word) != kEn.end()) return true;
      word.clear();
    }
  }
  return false;
}

bool short_turn(const std::string& text) {
  Counts c = count(text);
  return c.latin_words + c.han / 2 < 4;
}

}  // namespace

std::string search_query(const std::vector<Message>& messages) {
  std::vector<const Message*> users;
  for (const auto& m : messages)
    if (m.role == "user" && !trim(m.content).empty()) users.push_back(&m);
  if (users.empty()) return "";
  const std::string last(trim(users.back()->content));
  if (users.size() >= 2 && (short_turn(last) || anaphoric(last)))
    return std::string(trim(users[users.size() - 2]->content)) + "\n" + last;
  return last;
}

Language detect_language(const std::string& text) {
  Counts c = count(text);
  return c.han > 0 && c.han >= c.latin_words ? Language::kChinese : Language::kEnglish;
}

const char* language_code(Language l) { return l == Language::kChinese ? "zh" : "en"; }

}  // namespace ls::rag
