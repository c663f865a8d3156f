// Small hand-made vocabularies for unit tests of the algorithms (no files needed).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "tokenizer/byte_unicode.h"
#include "tokenizer/vocab.h"

namespace ls::tok::testing {

// Byte-level BPE: the 256 byte tokens (ids 0..255 in byte order), then `extra` normal tokens,
// then the special ones; merges as given (rank = position).
inline Vocab byte_level_vocab(const std::vector<std::string>& extra,
                              const std::vector<std::string>& merges,
                              const std::vector<std::pair<std::string, TokenType>>& specials = {},
                              std::string pre = "gpt-2") {
  Vocab v;
  (void)apply_model_defaults(v, "gpt2", pre);
  for (int b = 0; b < 256; ++b) {
    v.tokens.push_back(encode_byte_level(std::string(1, static_cast<char>(b))));
  }
  for (const auto& e : extra) v.tokens.push_back(encode_byte_level(e));
  v.types.assign(v.tokens.size(), TokenType::kNormal);
  for (const auto& [text, type] : specials) {
    v.tokens.push_back(text);
    v.types.push_back(type);
  }
  for (const auto& m : merges) {
    const size_t sp = m.find(' ', 1);  // a side may itself be a space
    v.merges.push_back(encode_byte_level(m.substr(0, sp)) + " " +
                       encode_byte_level(m.substr(sp + 1)));
  }
  v.bos = v.eos = kNoToken;
  return v;
}

// SentencePiece: <unk> <s> </s>, byte tokens <0x00>..<0xFF> (ids 3..258), then pieces with scores.
inline Vocab spm_vocab(const std::vector<std::pair<std::string, float>>& pieces) {
  Vocab v;
  (void)apply_model_defaults(v, "llama", "default");
  v.tokens = {"<unk>", "<s>", "</s>"};
  v.types = {TokenType::kUnknown, TokenType::kControl, TokenType::kControl};
  v.scores = {0, 0, 0};
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    v.tokens.push_back(name);
    v.types.push_back(TokenType::kByte);
    v.scores.push_back(0);
  }
  for (const auto& [p, s] : pieces) {
    v.tokens.push_back(p);
    v.types.push_back(TokenType::kNormal);
    v.scores.push_back(s);
  }
  return v;
}

}  // namespace ls::tok::testing
