// AVX2 + FMA activation row kernels (compiled with those flags, used only when the active ISA is
// AVX2 or above): the scalar reference's operations on 8 lanes, so the results are the same bits.
// Builtins and intrinsics only (see attention_rows_x86.cpp).
#include <immintrin.h>

#include "kernels/activation_rows_isa.h"

namespace ls::kernels {
namespace {

using namespace detail;

// 2^k for integer k in [-126, 127], as a float.
inline __m256 pow2(__m256i k) { return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k, _mm256_set1_epi32(127)), 23)); }

inline __m256 expf_ggml(__m256 x) {
  const __m256 shift = _mm256_set1_ps(kExpShift);
  const __m256 n = _mm256_sub_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(kLog2e), shift), shift);
  const __m256 b = _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Lo), _mm256_fnmadd_ps(n, _mm256_set1_ps(kLn2Hi), x));
  const __m256 u = _mm256_mul_ps(b, b);
  const __m256 j = _mm256_fmadd_ps(
      _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_set1_ps(kC5), b, _mm256_set1_ps(kC4)), u,
                      _mm256_fmadd_ps(_mm256_set1_ps(kC3), b, _mm256_set1_ps(kC2))),
      u, _mm256_fmadd_ps(_mm256_set1_ps(kC1), b, _mm256_set1_ps(1.0f)));
  // Lanes beyond the limit get garbage exponents here; they are replaced below.
  const __m256i ni = _mm256_cvtps_epi32(n);
  const __m256i half = _mm256_srai_epi32(_mm256_add_epi32(ni, _mm256_srli_epi32(ni, 31)), 1);  // ni / 2, toward 0
  const __m256 res = _mm256_mul_ps(_mm256_mul_ps(j, pow2(half)), pow2(_mm256_sub_epi32(ni, half)));
  const __m256 abs_n = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), n);
  const __m256 big = _mm256_cmp_ps(abs_n, _mm256_set1_ps(kExpLimit), _CMP_GT_OQ);
  const __m256 alt = _mm256_blendv_ps(_mm256_set1_ps(__builtin_huge_valf()), _mm256_setzero_ps(),
                                      _mm256_cmp_ps(n, _mm256_setzero_ps(), _CMP_LE_OQ));
  return _mm256_blendv_ps(res, alt, big);
}

void swiglu(int64_t n, const float* gate, const float* up, float* out) {
  const __m256 one = _mm256_set1_ps(1.0f);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 g = _mm256_loadu_ps(gate + i);
    const __m256 e = expf_ggml(_mm256_sub_ps(_mm256_setzero_ps(), g));
    _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_div_ps(g, _mm256_add_ps(one, e)), _mm256_loadu_ps(up + i)));
  }
  if (i < n) {
    // The tail through the same vector code on a padded copy (bit-identical to the scalar path).
    alignas(32) float g[8] = {}, u[8] = {}, o[8];
    const int64_t rest = n - i;
    for (int64_t k = 0; k < rest; ++k) { g[k] = gate[i + k]; u[k] = up[i + k]; }
    swiglu(8, g, u, o);
    for (int64_t k = 0; k < rest; ++k) out[i + k] = o[k];
  }
}

}  // namespace

void specialise_activation_rows_avx2(ActivationRowKernels& k) { k.swiglu = swiglu; }

}  // namespace ls::kernels
