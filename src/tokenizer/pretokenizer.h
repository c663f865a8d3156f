// Pre-tokenizers of byte-level BPE vocabularies: the regular expressions that cut text into words
// before merges run, one set per `tokenizer.ggml.pre` name (the same rules llama.cpp uses). Each
// expression is applied in turn to the pieces the previous ones produced; a piece is split into its
// matches and the text between them. Compiled once with PCRE2 (UTF + UCP, JIT when available).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ls::tok {

struct PreTokenizerInfo {
  std::vector<std::string_view> names;    // tokenizer.ggml.pre values that select this rule set
  std::vector<std::string_view> regexes;  // applied in order
  bool ignore_merges = false;             // whole-word vocabulary hit skips the merges (Llama 3)
  bool clean_spaces = true;               // detokenizer clean-up default
  bool add_bos = false;                   // BOS default when add_bos_token is absent
  bool nfc = false;                       // tokenizer.json asks for NFC normalisation
};

// nullptr when the name is unknown.
const PreTokenizerInfo* find_pre_tokenizer(std::string_view pre);
std::string supported_pre_tokenizers();

struct Span {
  uint32_t offset;
  uint32_t length;
};

class PreTokenizer {
 public:
  static Result<PreTokenizer> create(std::string_view pre);
  PreTokenizer(PreTokenizer&&) noexcept;
  PreTokenizer& operator=(PreTokenizer&&) noexcept;
  ~PreTokenizer();

  // Splits valid UTF-8 `text` into words (spans cover the whole text, in order). `out` is
  // cleared first; `scratch` is reused between calls to avoid allocation.
  void split(std::string_view text, std::vector<Span>& out, std::vector<Span>& scratch) const;

 private:
  PreTokenizer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ls::tok
