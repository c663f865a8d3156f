#include "kernels/attention_rows.h"

#include <array>
#include <cmath>

#include "kernels/attention_rows_isa.h"
#include "kernels/fp16.h"

namespace ls::kernels {
namespace {

// a * b + c rounded once, as the FMA instruction does (the baseline build cannot assume FMA
// hardware; std::fma is exact in software).
inline float fused(float a, float b, float c) { return std::fma(a, b, c); }

void mad_f16(int n, uint16_t* acc, const uint16_t* v, float s) {
  for (int i = 0; i < n; ++i) acc[i] = fp32_to_fp16(fused(fp16_to_fp32(v[i]), s, fp16_to_fp32(acc[i])));
}
void scale_f16(int n, uint16_t* acc, float s) {
  for (int i = 0; i < n; ++i) acc[i] = fp32_to_fp16(fp16_to_fp32(acc[i]) * s);
}
void mad_f32(int n, float* acc, const uint16_t* v, float s) {
  for (int i = 0; i < n; ++i) acc[i] = fused(fp16_to_fp32(v[i]), s, acc[i]);
}
void mad_f32_f32(int n, float* acc, const float* v, float s) {
  for (int i = 0; i < n; ++i) acc[i] = fused(v[i], s, acc[i]);
}
void scale_f32(int n, float* acc, float s) {
  for (int i = 0; i < n; ++i) acc[i] *= s;
}
float dot_f32_f16(int n, const float* q, const uint16_t* k) {
  float s = 0.0f;
  for (int i = 0; i < n; ++i) s += q[i] * fp16_to_fp32(k[i]);
  return s;
}

float dot_f16(int n, const uint16_t* k, const uint16_t* q) {
  float acc[4][16] = {};
  const int np = n & ~63;
  for (int i = 0; i < np; i += 64) {
    for (int j = 0; j < 4; ++j) {
      for (int l = 0; l < 16; ++l) {
        const int e = i + j * 16 + l;
        acc[j][l] = fused(fp16_to_fp32(k[e]), fp16_to_fp32(q[e]), acc[j][l]);
      }
    }
  }
  double sum = tree_sum16(acc);
  for (int i = np; i < n; ++i) sum += static_cast<double>(fp16_to_fp32(k[i]) * fp16_to_fp32(q[i]));
  return static_cast<float>(sum);
}

struct Tables {
  std::array<AttentionRowKernels, kIsaCount> by_isa{};
  Tables() {
    by_isa[0] = {mad_f16, scale_f16, mad_f32, mad_f32_f32, scale_f32, dot_f32_f16, dot_f16};
    for (int i = 1; i < kIsaCount; ++i) {
      by_isa[i] = by_isa[i - 1];
#if defined(LOCALSEEK_KERNELS_X86)
      // One x86 variant (AVX2+FMA+F16C) serves every x86 ISA: these loops are memory bound.
      if (static_cast<Isa>(i) == Isa::kAvx2) specialise_attention_rows_avx2(by_isa[i]);
#endif
    }
  }
};

}  // namespace

const AttentionRowKernels* attention_rows_for(Isa isa) {
  static const Tables t;
  if (!isa_available(isa)) return nullptr;
  return &t.by_isa[static_cast<int>(isa)];
}

const AttentionRowKernels& attention_rows() { return *attention_rows_for(active_isa()); }

}  // namespace ls::kernels
