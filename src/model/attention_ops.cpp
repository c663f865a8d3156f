#include "model/attention_ops.h"

#include "kernels/fp16.h"
#include "kernels/kernels.h"
#include "util/cpu_features.h"

namespace ls::model {
namespace {

using kernels::fp16_to_fp32;
using kernels::fp32_to_fp16;

// a * b + c rounded once, as an FMA instruction does: the product is exact in double and the
// double sum rounds to the same float except in ties too rare to matter (and far cheaper than a
// libm fmaf call on CPUs the baseline build cannot assume FMA for).
inline float fused_madd(float a, float b, float c) {
  return static_cast<float>(static_cast<double>(a) * static_cast<double>(b) + static_cast<double>(c));
}

void mad_f16(int n, uint16_t* acc, const uint16_t* v, float s) {
  for (int i = 0; i < n; ++i) acc[i] = fp32_to_fp16(fused_madd(fp16_to_fp32(v[i]), s, fp16_to_fp32(acc[i])));
}
void scale_f16(int n, uint16_t* acc, float s) {
  for (int i = 0; i < n; ++i) acc[i] = fp32_to_fp16(fp16_to_fp32(acc[i]) * s);
}
void mad_f32(int n, float* acc, const uint16_t* v, float s) {
  for (int i = 0; i < n; ++i) acc[i] = fused_madd(fp16_to_fp32(v[i]), s, acc[i]);
}
void scale_f32(int n, float* acc, float s) {
  for (int i = 0; i < n; ++i) acc[i] *= s;
}
float dot_f32_f16(int n, const float* q, const uint16_t* k) {
  float s = 0.0f;
  for (int i = 0; i < n; ++i) s += q[i] * fp16_to_fp32(k[i]);
  return s;
}

}  // namespace

const AttentionRowOps& attention_row_ops_scalar() {
  static const AttentionRowOps ops{mad_f16, scale_f16, mad_f32, scale_f32, dot_f32_f16};
  return ops;
}

const AttentionRowOps& attention_row_ops() {
  static const AttentionRowOps& ops = [] () -> const AttentionRowOps& {
    const AttentionRowOps* x86 = attention_row_ops_x86();
    const bool simd = kernels::active_isa() != kernels::Isa::kScalar;  // the forced ISA covers these too
    return x86 != nullptr && simd ? *x86 : attention_row_ops_scalar();
  }();
  return ops;
}

#ifndef LOCALSEEK_MODEL_X86
const AttentionRowOps* attention_row_ops_x86() { return nullptr; }
#endif

}  // namespace ls::model
