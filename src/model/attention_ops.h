// The element-wise inner loops of flash attention over an F16 KV cache, as a small table chosen
// once per CPU: a scalar reference and an x86 variant (AVX2+F16C+FMA). Each element is computed
// exactly as ggml's vector code does (convert, fused multiply-add, round to F16), so both variants
// give identical results.
// TODO: these belong in src/kernels' table once it has element-wise F16 row ops.
#pragma once

#include <cstdint>

namespace ls::model {

struct AttentionRowOps {
  // acc[i] = f16(fma(f32(v[i]), s, f32(acc[i])))
  void (*mad_f16)(int n, uint16_t* acc, const uint16_t* v, float s);
  // acc[i] = f16(f32(acc[i]) * s)
  void (*scale_f16)(int n, uint16_t* acc, float s);
  // acc[i] = fma(f32(v[i]), s, acc[i])
  void (*mad_f32)(int n, float* acc, const uint16_t* v, float s);
  // acc[i] *= s
  void (*scale_f32)(int n, float* acc, float s);
  // sum q[i] * f32(k[i])
  float (*dot_f32_f16)(int n, const float* q, const uint16_t* k);
};

const AttentionRowOps& attention_row_ops();
const AttentionRowOps& attention_row_ops_scalar();
// nullptr when not built for / not supported by this CPU.
const AttentionRowOps* attention_row_ops_x86();

}  // namespace ls::model
