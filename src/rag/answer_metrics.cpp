#include "rag/answer_metrics.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <map>

#include "util/utf8.h"

namespace ls::rag {
namespace {

bool is_han(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x2A6DF);
}

bool is_space(char32_t c) { return u_isUWhiteSpace(static_cast<UChar32>(c)) != 0; }

bool ascii_punct(char32_t c) { return c < 0x80 && std::ispunct(static_cast<int>(c)) != 0; }

// Unicode punctuation, ASCII punctuation/symbols and their full-width forms (U+FF01..U+FF5E mirror
// U+0021..U+007E), so "～", "＋" and "－" go as CMRC's list has them go.
bool any_punct(char32_t c) {
  if (ascii_punct(c)) return true;
  if (c >= 0xFF01 && c <= 0xFF5E && ascii_punct(c - 0xFF01 + 0x21)) return true;
  return u_ispunct(static_cast<UChar32>(c)) != 0;
}

char32_t lower(char32_t c) { return static_cast<char32_t>(u_tolower(static_cast<UChar32>(c))); }

bool is_article(const std::string& w) { return w == "a" || w == "an" || w == "the"; }

// Bag-of-tokens F1 (SQuAD).
double bag_f1(const std::vector<std::string>& pred, const std::vector<std::string>& gold) {
  std::map<std::string, int> left;
  for (const auto& t : gold) ++left[t];
  int same = 0;
  for (const auto& t : pred) {
    auto it = left.find(t);
    if (it != left.end() && it->second > 0) {
      --it->second;
      ++same;
    }
  }
  if (same == 0) return 0;
  const double p = static_cast<double>(same) / static_cast<double>(pred.size());
  const double r = static_cast<double>(same) / static_cast<double>(gold.size());
  return 2 * p * r / (p + r);
}

// Length of the longest common contiguous run of tokens (CMRC's find_lcs), one DP row at a time.
size_t longest_common_run(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<size_t> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
  size_t best = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t j = 0; j < b.size(); ++j) {
      cur[j + 1] = a[i] == b[j] ? prev[j] + 1 : 0;
      best = std::max(best, cur[j + 1]);
    }
    std::swap(prev, cur);
  }
  return best;
}

double run_f1(const std::vector<std::string>& pred, const std::vector<std::string>& gold) {
  const size_t lcs = longest_common_run(pred, gold);
  if (lcs == 0) return 0;
  const double p = static_cast<double>(lcs) / static_cast<double>(pred.size());
  const double r = static_cast<double>(lcs) / static_cast<double>(gold.size());
  return 2 * p * r / (p + r);
}

std::string joined(const std::vector<std::string>& tokens) {
  std::string out;
  for (const auto& t : tokens) out += t;
  return out;
}

using Tokenize = std::vector<std::string> (*)(std::string_view);
using Compare = double (*)(const std::vector<std::string>&, const std::vector<std::string>&);

AnswerScore best_over(std::string_view prediction, const std::vector<std::string>& golds, Tokenize tokenize,
                      Compare f1, bool em_ignores_spacing) {
  AnswerScore best;
  const std::vector<std::string> pred = tokenize(prediction);
  for (const auto& g : golds) {
    const std::vector<std::string> gold = tokenize(g);
    AnswerScore s;
    if (pred.empty() || gold.empty()) {
      s.exact_match = s.f1 = pred.empty() && gold.empty() ? 1 : 0;  // SQuAD v2.0's rule
    } else {
      s.exact_match = (em_ignores_spacing ? joined(pred) == joined(gold) : pred == gold) ? 1 : 0;
      s.f1 = f1(pred, gold);
    }
    best.exact_match = std::max(best.exact_match, s.exact_match);
    best.f1 = std::max(best.f1, s.f1);
  }
  return best;
}

}  // namespace

std::vector<std::string> squad_tokens(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (!word.empty() && !is_article(word)) out.push_back(word);
    word.clear();
  };
  for (size_t i = 0; i < text.size();) {
    const char32_t c = utf8::decode_one(text, i);
    if (is_space(c)) {
      flush();
    } else if (!ascii_punct(c)) {  // SQuAD removes string.punctuation only (ASCII), joining the parts
      utf8::append(word, lower(c));
    }
  }
  flush();
  return out;
}

std::vector<std::string> cmrc_tokens(std::string_view text) {
  std::vector<std::string> out;
  std::string run;
  auto flush = [&] {
    if (!run.empty()) out.push_back(run);
    run.clear();
  };
  for (size_t i = 0; i < text.size();) {
    const char32_t c = utf8::decode_one(text, i);
    if (is_space(c) || any_punct(c)) {
      flush();
    } else if (is_han(c)) {
      flush();
      out.push_back(utf8::encode(c));
    } else {
      utf8::append(run, lower(c));
    }
  }
  flush();
  return out;
}

AnswerScore score_english(std::string_view prediction, const std::vector<std::string>& golds) {
  return best_over(prediction, golds, squad_tokens, bag_f1, false);
}

AnswerScore score_chinese(std::string_view prediction, const std::vector<std::string>& golds) {
  return best_over(prediction, golds, cmrc_tokens, run_f1, true);
}

AnswerScore score_answer(std::string_view prediction, const std::vector<std::string>& golds, Language language) {
  return language == Language::kChinese ? score_chinese(prediction, golds) : score_english(prediction, golds);
}

}  // namespace ls::rag
