// The row operations of attention over a KV cache (flash attention's inner loops), as a small
// kernel table: a scalar reference and SIMD variants chosen by ISA like the type kernels. Each
// element is computed exactly as ggml's CPU code computes it (convert, fused multiply-add, round to
// F16; fixed summation orders), so every variant gives bit-identical results and tests prove it.
#pragma once

#include <cstdint>

#include "kernels/kernels.h"

namespace ls::kernels {

struct AttentionRowKernels {
  // acc[i] = f16(fma(f32(v[i]), s, f32(acc[i])))          (F16 V accumulator, ggml_vec_mad_f16)
  void (*mad_f16)(int n, uint16_t* acc, const uint16_t* v, float s);
  // acc[i] = f16(f32(acc[i]) * s)                          (ggml_vec_scale_f16)
  void (*scale_f16)(int n, uint16_t* acc, float s);
  // acc[i] = fma(f32(v[i]), s, acc[i])                     (F32 accumulator, F16 V)
  void (*mad_f32)(int n, float* acc, const uint16_t* v, float s);
  // acc[i] = fma(v[i], s, acc[i])                          (F32 accumulator, F32 V: ggml_vec_mad_f32)
  void (*mad_f32_f32)(int n, float* acc, const float* v, float s);
  // acc[i] *= s                                            (ggml_vec_scale_f32)
  void (*scale_f32)(int n, float* acc, float s);
  // sum q[i] * f32(k[i]), each product rounded, summed in index order (ggml's tiled path)
  float (*dot_f32_f16)(int n, const float* q, const uint16_t* k);
  // sum f32(k[i]) * f32(q[i]) in the order of ggml's AVX-512 ggml_vec_dot_f16 (the build the
  // goldens come from): 4 x 16 lanes of FMAs over 64-element steps, lanes combined
  // (0+2)+(1+3), a 16 -> 8 -> 4 -> 2 -> 1 tree, the remainder (n % 64) added in double.
  float (*dot_f16)(int n, const uint16_t* k, const uint16_t* q);
};

// Row kernels on the given ISA (nullptr: not available on this CPU/build); entries an ISA does not
// specialise come from the next lower one.
const AttentionRowKernels* attention_rows_for(Isa isa);
// On the active ISA (active_isa(); looked up on every call, cheap).
const AttentionRowKernels& attention_rows();

}  // namespace ls::kernels
