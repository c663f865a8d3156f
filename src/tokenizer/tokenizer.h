// Text ↔ token ids for one vocabulary, with llama.cpp's behaviour: special tokens in the text are
// cut out first (control tokens only when asked, user-defined ones always), the remaining text
// goes through the model's algorithm (byte-level BPE, SentencePiece BPE or WordPiece), and BOS/EOS
// (or [CLS]/[SEP]) are added as the metadata says. Thread-safe: one Tokenizer serves all requests.
//
// Deliberate differences from llama.cpp (both only for input llama.cpp's own tests never use):
// - invalid UTF-8 given to byte-level BPE becomes U+FFFD per maximal invalid subsequence
//   (util/utf8.h), where llama.cpp writes one U+FFFD per bad byte and accepts overlong forms;
//   SentencePiece keeps invalid bytes as byte tokens, exactly like llama.cpp;
// NFC: the Qwen2 family's tokenizer.json normalises text to NFC, but llama.cpp skips that step.
// Parity with llama.cpp is the default; TokenizeOptions::normalize_nfc opts into the Hugging Face
// behaviour (only text not already in NFC, e.g. decomposed accents, tokenizes differently).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/vocab.h"
#include "util/error.h"

namespace ls::tok {

struct TokenizeOptions {
  bool add_special = true;    // BOS/EOS/[CLS]/[SEP] as the vocabulary asks
  bool parse_special = true;  // match control tokens written in the text (e.g. "<|im_start|>")
  bool normalize_nfc = false; // NFC first where the vocabulary's tokenizer.json asks (HF, not llama.cpp)
};

struct DetokenizeOptions {
  bool remove_special = false;  // drop a leading BOS / trailing EOS the vocabulary would add
  bool render_special = false;  // print control/unknown tokens' text instead of nothing
  bool clean_spaces = false;    // apply the vocabulary's " ," → "," clean-up, when it has one
};

// Largest text tokenize() accepts in one call.
constexpr size_t kMaxTokenizeBytes = size_t{1} << 30;

class Tokenizer {
 public:
  static Result<Tokenizer> create(Vocab vocab);
  static Result<Tokenizer> from_gguf(const gguf::File& file);
  static Result<Tokenizer> open(const std::string& gguf_path);

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  Result<std::vector<TokenId>> tokenize(std::string_view text,
                                        const TokenizeOptions& opts = {}) const;
  // Appends to `out`.
  Status tokenize(std::string_view text, const TokenizeOptions& opts,
                  std::vector<TokenId>& out) const;

  // The bytes a token stands for (may be part of a UTF-8 character). Control and unknown
  // tokens give "" unless render_special; unused ones always "".
  std::string_view piece(TokenId id, bool render_special) const;
  std::string detokenize(std::span<const TokenId> ids, const DetokenizeOptions& opts = {}) const;

  const Vocab& vocab() const;
  bool is_special(TokenId id) const;  // control or unknown (not rendered by default)

 private:
  Tokenizer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Decodes a stream of ids into text without ever emitting part of a UTF-8 character: bytes of a
// character that continues in the next token are held back. Anything that can never become valid
// is replaced by U+FFFD, so every returned chunk is valid UTF-8.
class StreamDecoder {
 public:
  explicit StreamDecoder(const Tokenizer& tok, bool render_special = false)
      : tok_(&tok), render_special_(render_special) {}
  // Text completed by this token (possibly empty).
  std::string push(TokenId id);
  // Whatever is still held back, with an incomplete tail replaced by U+FFFD.
  std::string flush();

 private:
  const Tokenizer* tok_;
  bool render_special_;
  bool first_ = true;
  std::string pending_;
};

}  // namespace ls::tok
