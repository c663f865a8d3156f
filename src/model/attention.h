// Causal self-attention of one query head over the KV cache, with grouped-query heads.
// Two numeric paths, each matching what llama.cpp does with that cache type:
//  - F32 cache: scores, softmax (sum in double), weighted sum of V — ggml's non-flash path;
//  - F16 cache: ggml's flash-attention path — Q rounded to F16, online softmax, and the V
//    accumulator kept in F16 (so parity holds with llama.cpp's default setting).
#pragma once

#include <cstdint>

#include "model/kv_cache.h"

namespace ls::model {

struct AttentionDims {
  int n_head = 0;
  int n_head_kv = 0;
  int head_dim_k = 0;
  int head_dim_v = 0;
  float scale = 1.0f;  // 1/sqrt(head_dim_k)
};

// Floats of scratch one call needs (per concurrent caller).
int64_t attention_scratch_floats(const AttentionDims& d, int n_ctx);

// out (head_dim_v floats) = attention of query head `h` (q: head_dim_k floats) at absolute
// position `pos` over cache positions [0, pos] of layer `il`.
void attend_head(const AttentionDims& d, const KvCache& cache, int il, int h, const float* q,
                 int64_t pos, float* out, float* scratch);

}  // namespace ls::model
