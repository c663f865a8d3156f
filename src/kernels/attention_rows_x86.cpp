// AVX2 + F16C + FMA attention row kernels (compiled with those flags, used only when the active
// ISA is AVX2 or above). Builtins and intrinsics only: an inline library function compiled here
// could be shared (COMDAT) with scalar code and run on a CPU without these instructions.
#include <immintrin.h>

#include "kernels/attention_rows_isa.h"

namespace ls::kernels {
namespace {

inline uint16_t to_f16(float x) {
  return static_cast<uint16_t>(_mm_extract_epi16(_mm_cvtps_ph(_mm_set_ss(x), _MM_FROUND_TO_NEAREST_INT), 0));
}
inline float from_f16(uint16_t h) { return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(h))); }
inline __m256 load_f16(const uint16_t* p) { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }

void mad_f16(int n, uint16_t* acc, const uint16_t* v, float s) {
  const __m256 vs = _mm256_set1_ps(s);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + i),
                     _mm256_cvtps_ph(_mm256_fmadd_ps(load_f16(v + i), vs, load_f16(acc + i)), _MM_FROUND_TO_NEAREST_INT));
  }
  for (; i < n; ++i) acc[i] = to_f16(__builtin_fmaf(from_f16(v[i]), s, from_f16(acc[i])));
}

void scale_f16(int n, uint16_t* acc, float s) {
  const __m256 vs = _mm256_set1_ps(s);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + i), _mm256_cvtps_ph(_mm256_mul_ps(load_f16(acc + i), vs), _MM_FROUND_TO_NEAREST_INT));
  }
  for (; i < n; ++i) acc[i] = to_f16(from_f16(acc[i]) * s);
}

void mad_f32(int n, float* acc, const uint16_t* v, float s) {
  const __m256 vs = _mm256_set1_ps(s);
  int i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(acc + i, _mm256_fmadd_ps(load_f16(v + i), vs, _mm256_loadu_ps(acc + i)));
  for (; i < n; ++i) acc[i] = __builtin_fmaf(from_f16(v[i]), s, acc[i]);
}

void mad_f32_f32(int n, float* acc, const float* v, float s) {
  const __m256 vs = _mm256_set1_ps(s);
  int i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(acc + i, _mm256_fmadd_ps(_mm256_loadu_ps(v + i), vs, _mm256_loadu_ps(acc + i)));
  for (; i < n; ++i) acc[i] = __builtin_fmaf(v[i], s, acc[i]);
}

void scale_f32(int n, float* acc, float s) {
  const __m256 vs = _mm256_set1_ps(s);
  int i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(acc + i, _mm256_mul_ps(_mm256_loadu_ps(acc + i), vs));
  for (; i < n; ++i) acc[i] *= s;
}

// Summed in order, one element after the other, each product rounded before the add, as ggml's
// tiled path does; this file is built with -ffp-contract=off so the compiler keeps it that way.
float dot_f32_f16(int n, const float* q, const uint16_t* k) {
  alignas(32) float kf[8];
  float s = 0.0f;
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_store_ps(kf, load_f16(k + i));
    for (int j = 0; j < 8; ++j) s += q[i + j] * kf[j];
  }
  for (; i < n; ++i) s += q[i] * from_f16(k[i]);
  return s;
}

// ggml's AVX-512 order with 256-bit registers: each 16-lane accumulator is a (lo, hi) pair.
float dot_f16(int n, const uint16_t* k, const uint16_t* q) {
  __m256 lo[4], hi[4];
  for (int j = 0; j < 4; ++j) lo[j] = hi[j] = _mm256_setzero_ps();
  const int np = n & ~63;
  for (int i = 0; i < np; i += 64) {
    for (int j = 0; j < 4; ++j) {
      const int e = i + j * 16;
      lo[j] = _mm256_fmadd_ps(load_f16(k + e), load_f16(q + e), lo[j]);
      hi[j] = _mm256_fmadd_ps(load_f16(k + e + 8), load_f16(q + e + 8), hi[j]);
    }
  }
  const __m256 vlo = _mm256_add_ps(_mm256_add_ps(lo[0], lo[2]), _mm256_add_ps(lo[1], lo[3]));
  const __m256 vhi = _mm256_add_ps(_mm256_add_ps(hi[0], hi[2]), _mm256_add_ps(hi[1], hi[3]));
  const __m256 t8 = _mm256_add_ps(vlo, vhi);
  const __m128 t4 = _mm_add_ps(_mm256_castps256_ps128(t8), _mm256_extractf128_ps(t8, 1));
  const __m128 t2 = _mm_add_ps(t4, _mm_movehl_ps(t4, t4));  // (0+2), (1+3)
  double sum = _mm_cvtss_f32(_mm_add_ss(t2, _mm_movehdup_ps(t2)));
  for (int i = np; i < n; ++i) sum += static_cast<double>(from_f16(k[i]) * from_f16(q[i]));
  return static_cast<float>(sum);
}

}  // namespace

void specialise_attention_rows_avx2(AttentionRowKernels& k) {
  k = {mad_f16, scale_f16, mad_f32, mad_f32_f32, scale_f32, dot_f32_f16, dot_f16};
}

}  // namespace ls::kernels
