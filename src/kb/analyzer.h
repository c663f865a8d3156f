// Text analysis for BM25: turns any text into index terms. Used both by the FTS5 tokenizer (index
// side) and by the retriever (query side), so a query always matches the way documents were indexed.
//
// Rules (in this order):
//  - Letters and digits of any script form words; everything else (punctuation, symbols, emoji,
//    U+FEFF) separates them.
//  - Case folding (ICU full case folding) and accent folding (NFKD, combining marks dropped), so
//    "Café", "CAFE" and "café" are one term, and full-width "ＡＢ１" is "ab1".
//  - Words of ASCII letters/digits: Lucene's 33 English stop words dropped (option), Porter stemmer
//    (Snowball's "porter" via libstemmer; option).
//  - Han ideographs and kana: runs are indexed as character unigrams + adjacent bigrams ("unibi",
//    the default), bigrams only ("bi"), unigrams only ("uni"), or ICU dictionary word segmentation
//    ("icu"), or unigrams + bigrams + ICU words of 3 or more characters ("unibi+icu"). The default was chosen by measurement on the Chinese sets (see kb/README.md).
//  - Terms longer than kMaxTermBytes are truncated (bounded work on hostile input).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ls::kb {

enum class CjkMode { kUniBi, kBigram, kUnigram, kIcuWords, kUniBiIcu };

struct AnalyzerOptions {
  CjkMode cjk = CjkMode::kUniBi;
  bool stem = true;       // English Porter stemming of ASCII words
  bool stopwords = true;  // drop English stop words

  // "cjk=unibi stem=1 stop=1" <-> options. Unknown keys or values are errors naming them.
  static Result<AnalyzerOptions> parse(const std::vector<std::string>& args);
  std::vector<std::string> to_args() const;
};

Result<CjkMode> parse_cjk_mode(std::string_view s);
const char* cjk_mode_name(CjkMode m);

// Receives each term with the byte range [start, end) of the input it came from.
class TermSink {
 public:
  virtual ~TermSink() = default;
  // Returns false to stop analysis early.
  virtual bool term(std::string_view term, size_t start, size_t end) = 0;
};

class Analyzer {
 public:
  static constexpr size_t kMaxTermBytes = 64;

  explicit Analyzer(AnalyzerOptions opts = {}) : opts_(opts) {}
  const AnalyzerOptions& options() const { return opts_; }

  void analyze(std::string_view text, TermSink& sink) const;
  std::vector<std::string> terms(std::string_view text) const;

 private:
  AnalyzerOptions opts_;
};

bool is_english_stopword(std::string_view w);

// Query-side only: drops interrogative words, which questions are full of and documents rarely
// contain, so they otherwise earn a high idf for nothing: English what/which/who/whom/whose/when/
// where/why/how, and every CJK unigram/bigram containing 什 么 麼 哪 谁 誰 吗 嗎 呢 怎 何.
// Returns the input unchanged when nothing else would be left.
std::vector<std::string> drop_question_terms(std::vector<std::string> terms);

}  // namespace ls::kb
