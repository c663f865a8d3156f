// The decoder forward pass shared by every architecture: embedding, then per layer
// RMSNorm → attention (optional biases, optional per-head Q/K norm, RoPE, GQA over the KV cache)
// → residual → RMSNorm → SwiGLU FFN → residual. What varies per architecture is in ArchSpec and
// in which tensors the file has.
#pragma once

#include <cstdint>
#include <span>

#include "model/kv_cache.h"
#include "model/model.h"
#include "model/scratch.h"

namespace ls::model {

// One sequence's part of a forward step: n tokens at positions pos0.. of the sequence whose K/V
// live in `kv` (positions < pos0 already there).
struct SeqTokens {
  KvView kv;
  const int32_t* tokens = nullptr;
  int64_t n = 0;
  int64_t pos0 = 0;
};

// Runs the tokens of several sequences through every layer in one pass (rows = the segments'
// tokens in order, at most scratch.n_batch in all), so each weight matrix is read once per step
// for all of them; attention is per sequence over its own K/V. No row's result depends on the
// other segments: runs of single-token segments (decodes) share one matmul on the per-token path,
// which computes each row as if alone, and a longer segment (a prompt chunk) gets its own matmul
// call, exactly as a one-sequence batch of that chunk would. Leaves the final residual stream
// (before output_norm) in scratch.x.
// shared_matmul: all rows of the step in one matmul call per weight instead (embeddings: many short
// texts, where a call per text would read every weight once per text). A row's result then still
// depends only on its own inputs and on whether the call has 1, 2-3 or >= 4 rows (the kernels'
// vec_dot, dot_tile and panel paths), never on its neighbours' values.
void decode_step(const Model& m, Scratch& s, std::span<const SeqTokens> segments, bool shared_matmul = false);

// The one-sequence case: n (<= scratch.n_batch) tokens at positions pos0.. of `cache`.
void decode_batch(const Model& m, KvCache& cache, Scratch& s, const int32_t* tokens, int64_t n,
                  int64_t pos0);

// logits[t][vocab] for `rows` hidden states (n_embd each, normalised in place by output_norm).
// per_token: each row computed as if alone (linear's per_token).
void output_logits(const Model& m, Scratch& s, float* hidden, int64_t rows, float* logits,
                   bool per_token = false);

}  // namespace ls::model
