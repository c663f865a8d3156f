#include "kb/vector_dot.h"

#include "kernels/fp16.h"

namespace ls::kb {
namespace {

float dot_f32_scalar(const float* a, const float* b, size_t n) {
  // Four partial sums, like the SIMD lanes, so rounding differs from them only slightly.
  float s[4] = {0, 0, 0, 0};
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    for (int j = 0; j < 4; ++j) s[j] += a[i + j] * b[i + j];
  for (; i < n; ++i) s[0] += a[i] * b[i];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

float dot_f16_scalar(const uint16_t* a, const uint16_t* b, size_t n) {
  float s = 0;
  for (size_t i = 0; i < n; ++i) s += kernels::fp16_to_fp32(a[i]) * kernels::fp16_to_fp32(b[i]);
  return s;
}

int32_t dot_i8_scalar(const int8_t* a, const int8_t* b, size_t n) {
  int32_t s = 0;
  for (size_t i = 0; i < n; ++i) s += static_cast<int32_t>(a[i]) * static_cast<int32_t>(b[i]);
  return s;
}

const VectorDotKernels kScalar{dot_f32_scalar, dot_f16_scalar, dot_i8_scalar, "scalar"};

}  // namespace

#if defined(LOCALSEEK_KB_AVX2)
const VectorDotKernels& avx2_vector_dot_table();  // vector_dot_avx2.cpp
#endif

const VectorDotKernels& scalar_vector_dot() { return kScalar; }

const VectorDotKernels* avx2_vector_dot() {
#if defined(LOCALSEEK_KB_AVX2)
  static const bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                         __builtin_cpu_supports("f16c");
  return ok ? &avx2_vector_dot_table() : nullptr;
#else
  return nullptr;
#endif
}

const VectorDotKernels& vector_dot() {
  static const VectorDotKernels& best = avx2_vector_dot() ? *avx2_vector_dot() : kScalar;
  return best;
}

}  // namespace ls::kb
