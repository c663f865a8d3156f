#include "tokenizer/wordpiece.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>

#include "tokenizer/unicode_props.h"
#include "util/utf8.h"

namespace ls::tok {
namespace {

bool is_chinese_char(char32_t c) {
  // The CJK blocks of the BERT reference (including its 0x2B920 start of Extension E).
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

char32_t nfd_first(char32_t c) {
  if (c < 0xC0) return c;  // nothing below U+00C0 decomposes
  UErrorCode status = U_ZERO_ERROR;
  static const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (nfd == nullptr) return c;
  icu::UnicodeString d;
  if (!nfd->getDecomposition(static_cast<UChar32>(c), d) || d.isEmpty()) return c;
  return static_cast<char32_t>(d.char32At(0));
}

}  // namespace

std::vector<std::string> wordpiece_words(std::string_view text) {
  std::vector<std::string> words(1);
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {  // ASCII fast path: same classes as below, without ICU
      ++i;
      if (b == ' ' || (b >= '\t' && b <= '\r')) {
        if (!words.back().empty()) words.emplace_back();
      } else if (b < 0x20 || b == 0x7F || b == 0) {
        // control characters are dropped
      } else if (std::ispunct(b)) {  // ASCII punctuation and symbols are words of their own
        if (!words.back().empty()) words.emplace_back();
        words.back().push_back(static_cast<char>(b));
        words.emplace_back();
      } else {
        words.back().push_back(static_cast<char>(std::tolower(b)));
      }
      continue;
    }
    const char32_t c = nfd_first(utf8::decode_one(text, i));
    if (is_whitespace(c)) {
      if (!words.back().empty()) words.emplace_back();
      continue;
    }
    if (c == 0 || c == utf8::kReplacement || is_control(c)) continue;
    const auto lower = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
    if (is_punctuation(c) || (c < 0x7F && is_symbol(c)) || is_chinese_char(c)) {
      if (!words.back().empty()) words.emplace_back();
      utf8::append(words.back(), lower);
      words.emplace_back();
    } else {
      utf8::append(words.back(), lower);
    }
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

void WordPieceModel::encode(std::string_view text, std::vector<TokenId>& out) const {
  std::string word;
  for (const std::string& w : wordpiece_words(text)) {
    word.assign("\xE2\x96\x81");  // '▁' marks the start of a word
    word += w;
    const size_t n = word.size();
    const size_t first = out.size();
    for (size_t i = 0; i < n;) {
      bool found = false;
      for (size_t j = std::min(n, i + vocab_->max_token_bytes + 1); j > i; --j) {
        const TokenId id = vocab_->find(std::string_view(word).substr(i, j - i));
        if (id != kNoToken) {
          out.push_back(id);
          i = j;
          found = true;
          break;
        }
      }
      if (!found) {  // one unmatched piece makes the whole word unknown
        out.resize(first);
        break;
      }
    }
    if (out.size() == first && vocab_->unk != kNoToken) out.push_back(vocab_->unk);
  }
}

}  // namespace ls::tok
