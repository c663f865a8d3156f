// AVX2+FMA+F16C variants of kb/vector_dot.h; compiled with those flags only (see CMakeLists.txt)
// and called only after vector_dot() checked the CPU.
#include <immintrin.h>

#include "kb/vector_dot.h"
#include "kernels/fp16.h"

namespace ls::kb {
namespace {

float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

float dot_f32_avx2(const float* a, const float* b, size_t n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
  }
  for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
  float s = hsum(_mm256_add_ps(s0, s1));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

float dot_f16_avx2(const uint16_t* a, const uint16_t* b, size_t n) {
  __m256 s0 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 x = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)));
    __m256 y = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i)));
    s0 = _mm256_fmadd_ps(x, y, s0);
  }
  float s = hsum(s0);
  for (; i < n; ++i) s += kernels::fp16_to_fp32(a[i]) * kernels::fp16_to_fp32(b[i]);
  return s;
}

int32_t dot_i8_avx2(const int8_t* a, const int8_t* b, size_t n) {
  // Sign-extend to 16 bits and multiply-add pairs into 32-bit lanes: exact for any length a
  // vector of an embedding model can have (|sum| <= n * 127 * 127).
  __m256i acc = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256i x = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)));
    __m256i y = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i)));
    acc = _mm256_add_epi32(acc, _mm256_madd_epi16(x, y));
  }
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
  int32_t r = _mm_cvtsi128_si32(s);
  for (; i < n; ++i) r += static_cast<int32_t>(a[i]) * static_cast<int32_t>(b[i]);
  return r;
}

const VectorDotKernels kAvx2{dot_f32_avx2, dot_f16_avx2, dot_i8_avx2, "avx2"};

}  // namespace

const VectorDotKernels& avx2_vector_dot_table() { return kAvx2; }

}  // namespace ls::kb
