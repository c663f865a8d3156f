// Causal self-attention of one query head over the KV cache, with grouped-query heads.
// Three numeric paths, each reproducing what llama.cpp computes in the matching situation:
//  - kExact (F32 cache): scores, softmax with the sum in double, weighted sum of V — ggml's
//    non-flash path (llama.cpp with flash attention off);
//  - kFlashVec (F16 cache, single tokens and short batches): ggml's per-row flash attention —
//    Q rounded to F16, Q.K summed in the order of ggml's AVX-512 F16 dot, online softmax, the V
//    accumulator kept in F16;
//  - kFlashTiled (F16 cache, batches of >= kFlashTileRows tokens): ggml's tiled flash attention —
//    Q in F32, accumulator in F32 (K and V still F16 from the cache);
//  - kFlashVecQ8 (Q8_0 cache, any batch): ggml's per-row flash attention over quantised K/V — Q
//    quantised to Q8_0, scores by the Q8_0 dot kernel, V rows dequantised, F32 accumulator.
// The row loops are kernels (kernels/attention_rows.h, and the type kernels for Q8_0).
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

//  - kFlashTiledGgml (the same situations as kFlashTiled, ContextOptions::ggml_order): ggml's tiled
//    kernel in its exact float order — per 64-key tile, Q.K and the V accumulation as sequential FMA
//    chains (its simd_gemm), softmax with ggml_v_expf and the tile sum in double. Scalar.
enum class AttentionPath { kExact, kFlashVec, kFlashTiled, kFlashVecQ8, kFlashTiledGgml };

// Batches at least this long take ggml's tiled flash path (when the head sizes allow it).
// Measured against llama.cpp v0.4.0 (tiny-qwen2-f32): 63 query rows match the vec path
// to 2e-4, 64 rows match the tiled path to 6e-6.
constexpr int64_t kFlashTileRows = 64;

// The path llama.cpp would take for a batch of n_tokens with this cache (ggml_order: in its exact
// float order where ours differs).
AttentionPath attention_path(const AttentionDims& d, KvType kv, int64_t n_tokens, bool ggml_order = false);

// Floats of scratch one call needs (per concurrent caller).
int64_t attention_scratch_floats(const AttentionDims& d, int n_ctx);

// out (head_dim_v floats) = attention of query head `h` (q: head_dim_k floats) at absolute
// position `pos` over the sequence's positions [0, pos] of layer `il`.
void attend_head(const AttentionDims& d, AttentionPath path, const KvView& cache, int il, int h,
                 const float* q, int64_t pos, float* out, float* scratch);

}  // namespace ls::model
