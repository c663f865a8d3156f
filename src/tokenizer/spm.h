// SentencePiece-style BPE (`tokenizer.ggml.model = llama`): start from UTF-8 characters, keep
// merging the adjacent pair whose concatenation is the highest-scoring token (leftmost on ties);
// characters that are not tokens fall back to byte tokens `<0xNN>`. The caller has already
// applied the space rules (leading space, ' ' → '▁').
#pragma once

#include <string_view>
#include <vector>

#include "tokenizer/symbol_merge.h"
#include "tokenizer/vocab.h"

namespace ls::tok {

class WordCache;

class SpmModel {
 public:
  explicit SpmModel(const Vocab& vocab);
  // `cache` (optional) memoises the result per word when words are independent.
  void encode(std::string_view text, std::vector<TokenId>& out, WordCache* cache = nullptr) const;
  TokenId byte_token(uint8_t b) const { return byte_tokens_[b]; }

 private:
  void encode_segment(std::string_view text, std::vector<TokenId>& out) const;

  const Vocab* vocab_;
  // True when no token has '▁' right after another character (other than '▁'): then no merge
  // can cross the start of a '▁' run, and each word can be merged on its own (same result, but
  // small heaps instead of one over the whole text).
  bool words_independent_ = false;
  ByteFallback byte_tokens_{};  // <0xNN> (or the byte itself), else unk
};

// ' ' → "▁" (U+2581), the SentencePiece spelling of a space.
std::string escape_spaces(std::string_view text);

}  // namespace ls::tok
