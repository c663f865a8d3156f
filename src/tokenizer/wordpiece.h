// WordPiece (`tokenizer.ggml.model = bert`) as llama.cpp runs it. The GGUF spells word-initial
// pieces with a leading '▁' and continuation pieces bare (the converter turned "##x" into "x" and
// "x" into "▁x"), so matching is greedy longest-prefix over "▁" + word. Before that, the BERT basic
// tokenizer: each character reduced to the first code point of its NFD form (strips accents of
// precomposed letters), lower-cased, control characters dropped, whitespace splits words, and
// punctuation, ASCII symbols and CJK ideographs become one-character words.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/vocab.h"

namespace ls::tok {

// The basic tokenizer alone (exposed for tests).
std::vector<std::string> wordpiece_words(std::string_view text);

class WordPieceModel {
 public:
  explicit WordPieceModel(const Vocab& vocab) : vocab_(&vocab) {}
  void encode(std::string_view text, std::vector<TokenId>& out) const;

 private:
  const Vocab* vocab_;
};

}  // namespace ls::tok
