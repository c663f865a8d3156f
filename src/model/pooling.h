// How an embedding model turns per-token hidden states into one vector per sequence. The values
// are llama.cpp's (`<arch>.pooling_type`), so a file's key means the same here as there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gguf/gguf_file.h"
#include "util/error.h"

namespace ls::model {

enum class Pooling : int {
  kNone = 0,  // per-token vectors (not usable as one vector per text)
  kMean = 1,  // average over every token, [CLS]/[SEP] or BOS included
  kCls = 2,   // the first token's row
  kLast = 3,  // the last token's row (decoders: Qwen3-Embedding)
  kRank = 4,  // a relevance score from a classification head (rerankers)
};

std::string_view pooling_name(Pooling p);
// "none", "mean", "cls", "last", "rank"; nullopt for anything else.
std::optional<Pooling> pooling_from_name(std::string_view name);

// `<arch>.pooling_type` of the file; `fallback` when the key is absent. Errors on values that
// are not a known pooling type.
Result<Pooling> read_pooling(const gguf::File& f, const std::string& arch, Pooling fallback);

// out[i] = mean / first / last of `n_rows` rows of `dim` floats (kNone, kRank: invalid here).
void pool_rows(Pooling p, const float* rows, int64_t n_rows, int64_t dim, float* out);

// Scales v to unit L2 norm (a zero vector stays zero); returns the norm it had.
float l2_normalize(float* v, int64_t n);

}  // namespace ls::model
