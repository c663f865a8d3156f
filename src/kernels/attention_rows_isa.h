// Internal: shared pieces of the attention row kernels (scalar and SIMD translation units).
#pragma once

#include "kernels/attention_rows.h"

namespace ls::kernels {

// ggml's AVX-512 reduction of its four 16-lane accumulators: (0+2) + (1+3) per lane, then halves
// added 16 -> 8 -> 4, then (0+2) + (1+3), as _mm512_reduce_add_ps does.
static inline float tree_sum16(const float (&acc)[4][16]) {
  float v[16], t8[8], t4[4];
  for (int l = 0; l < 16; ++l) v[l] = (acc[0][l] + acc[2][l]) + (acc[1][l] + acc[3][l]);
  for (int l = 0; l < 8; ++l) t8[l] = v[l] + v[l + 8];
  for (int l = 0; l < 4; ++l) t4[l] = t8[l] + t8[l + 4];
  return (t4[0] + t4[2]) + (t4[1] + t4[3]);
}

void specialise_attention_rows_avx2(AttentionRowKernels& k);

}  // namespace ls::kernels
