// AVX2 + F16C + FMA variant of the attention row ops (compiled with those flags, used only when
// cpu_features() reports them). Builtins and intrinsics only: an inline library function compiled
// here could be shared (COMDAT) with scalar code and run on a CPU without these instructions.
#include <immintrin.h>

#include "model/attention_ops.h"
#include "util/cpu_features.h"

namespace ls::model {
namespace {

// F16 rounding of a tail element, as the vector instruction would round it.
inline uint16_t to_f16(float x) {
  return static_cast<uint16_t>(_mm_extract_epi16(_mm_cvtps_ph(_mm_set_ss(x), _MM_FROUND_TO_NEAREST_INT), 0));
}
inline float from_f16(uint16_t h) { return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(h))); }

void mad_f16(int n, uint16_t* acc, const uint16_t* v, float s) {
  const __m256 vs = _mm256_set1_ps(s);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 a = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(acc + i)));
    const __m256 x = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(v + i)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + i),
                     _mm256_cvtps_ph(_mm256_fmadd_ps(x, vs, a), _MM_FROUND_TO_NEAREST_INT));
  }
  for (; i < n; ++i) acc[i] = to_f16(__builtin_fmaf(from_f16(v[i]), s, from_f16(acc[i])));
}

void scale_f16(int n, uint16_t* acc, float s) {
  const __m256 vs = _mm256_set1_ps(s);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 a = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(acc + i)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + i), _mm256_cvtps_ph(_mm256_mul_ps(a, vs), _MM_FROUND_TO_NEAREST_INT));
  }
  for (; i < n; ++i) acc[i] = to_f16(from_f16(acc[i]) * s);
}

void mad_f32(int n, float* acc, const uint16_t* v, float s) {
  const __m256 vs = _mm256_set1_ps(s);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 x = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(v + i)));
    _mm256_storeu_ps(acc + i, _mm256_fmadd_ps(x, vs, _mm256_loadu_ps(acc + i)));
  }
  for (; i < n; ++i) acc[i] = __builtin_fmaf(from_f16(v[i]), s, acc[i]);
}

void scale_f32(int n, float* acc, float s) {
  const __m256 vs = _mm256_set1_ps(s);
  int i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(acc + i, _mm256_mul_ps(_mm256_loadu_ps(acc + i), vs));
  for (; i < n; ++i) acc[i] *= s;
}

// Summed in order, one element after the other, each product rounded before the add, as ggml's
// tiled path does (measured: a lane-parallel or fused sum moves llama.cpp parity); this file is
// built with -ffp-contract=off so the compiler keeps it that way.
float dot_f32_f16(int n, const float* q, const uint16_t* k) {
  alignas(32) float kf[8];
  float s = 0.0f;
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_store_ps(kf, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(k + i))));
    for (int j = 0; j < 8; ++j) s += q[i + j] * kf[j];
  }
  for (; i < n; ++i) s += q[i] * from_f16(k[i]);
  return s;
}

}  // namespace

const AttentionRowOps* attention_row_ops_x86() {
  static const AttentionRowOps ops{mad_f16, scale_f16, mad_f32, scale_f32, dot_f32_f16};
  const CpuFeatures& f = cpu_features();
  return f.avx2 && f.fma && f.f16c ? &ops : nullptr;
}

}  // namespace ls::model
