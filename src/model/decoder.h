// The decoder forward pass shared by every architecture: embedding, then per layer
// RMSNorm → attention (optional biases, optional per-head Q/K norm, RoPE, GQA over the KV cache)
// → residual → RMSNorm → SwiGLU FFN → residual. What varies per architecture is in ArchSpec and
// in which tensors the file has.
#pragma once

#include <cstdint>

#include "model/kv_cache.h"
#include "model/model.h"
#include "model/scratch.h"

namespace ls::model {

// Runs n (<= scratch.n_batch) tokens at positions pos0.. through every layer, writing their K/V
// into the cache. Leaves the final residual stream (before output_norm) in scratch.x.
void decode_batch(const Model& m, KvCache& cache, Scratch& s, const int32_t* tokens, int64_t n,
                  int64_t pos0);

// logits[t][vocab] for `rows` hidden states (n_embd each, normalised in place by output_norm).
void output_logits(const Model& m, Scratch& s, float* hidden, int64_t rows, float* logits);

}  // namespace ls::model
