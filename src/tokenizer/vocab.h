// The tokenizer's view of a model vocabulary: token texts, scores, types, merges, special ids and
// the behaviour flags llama.cpp derives from `tokenizer.ggml.*` metadata (with its defaults per
// model and pre-tokenizer when a key is absent). Plain data plus a lookup index; the algorithms
// live in bpe.h, spm.h and wordpiece.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/string_table.h"
#include "util/error.h"

namespace ls::gguf {
class File;
}

namespace ls::tok {

using TokenId = int32_t;
constexpr TokenId kNoToken = -1;

// On-disk `tokenizer.ggml.token_type` values.
enum class TokenType : uint8_t {
  kUndefined = 0,
  kNormal = 1,
  kUnknown = 2,
  kControl = 3,
  kUserDefined = 4,
  kUnused = 5,
  kByte = 6,
};

enum class ModelKind {
  kBpe,  // "gpt2": byte-level BPE with merge ranks
  kSpm,  // "llama": SentencePiece-style BPE over scores, byte fallback
  kWpm,  // "bert": WordPiece
};


struct Vocab {
  ModelKind kind = ModelKind::kBpe;
  std::string model_name;  // tokenizer.ggml.model as written
  std::string pre = "default";
  std::string general_name;  // general.name (a few llama.cpp rules key on it)

  std::vector<std::string> tokens;
  std::vector<float> scores;      // empty → all 0
  std::vector<TokenType> types;   // same size as tokens
  std::vector<std::string> merges;  // "left right", rank = index (BPE only)

  TokenId bos = kNoToken, eos = kNoToken, unk = kNoToken, sep = kNoToken, pad = kNoToken,
          cls = kNoToken, mask = kNoToken;

  bool add_bos = false;
  bool add_eos = false;
  bool add_sep = false;           // WordPiece: append [SEP]
  bool add_space_prefix = false;  // SPM: prepend a space to text that follows BOS/special/start
  bool ignore_merges = false;     // BPE: a pre-token that is itself a token is emitted whole
  bool clean_spaces = false;      // detokenizer: llama.cpp's " ," → "," clean-up (opt-in there)
  bool nfc = false;               // normalise text to NFC before splitting (Qwen2 tokenizer.json)
  // Per token: strip whitespace left/right of a matched special token (llama.cpp name rules).
  std::vector<uint8_t> lstrip, rstrip;

  // Derived by finalize(): text → id (later ids win on duplicates, as in llama.cpp).
  StringTable index;
  size_t max_token_bytes = 0;

  size_t size() const { return tokens.size(); }
  TokenType type(TokenId id) const { return types[static_cast<size_t>(id)]; }
  bool valid(TokenId id) const { return id >= 0 && static_cast<size_t>(id) < tokens.size(); }
  TokenId find(std::string_view text) const { return index.find(text); }
  // Tokens matched in raw text before the model runs (control, user-defined, unknown), longest
  // text first, as llama.cpp's special-token partition does.
  std::vector<TokenId> special_tokens_by_length() const;

  // Builds the index, checks sizes and ids, applies per-name attribute rules. Call after filling.
  Status finalize();

  // Reads `tokenizer.ggml.*` (and general.name) and applies llama.cpp's defaults.
  static Result<Vocab> from_gguf(const gguf::File& file);
};

// Applies the defaults llama.cpp uses for `model`/`pre` when the corresponding keys are absent
// (special ids, add_bos/add_space_prefix, ignore_merges, clean_spaces). Errors on an unknown model
// or pre-tokenizer name, listing the supported ones.
Status apply_model_defaults(Vocab& v, std::string_view model, std::string_view pre);

}  // namespace ls::tok
