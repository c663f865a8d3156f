// Shared helpers of the kernel tests: random rows, the types under test, tolerances.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/kernels.h"

namespace ls::kernels::test {

// Weight types with vec_dot (the activation-only types Q8_1/Q8_K are covered through them).
inline std::vector<GgmlType> weight_types() {
  using T = GgmlType;
  return {T::F32, T::F16, T::BF16, T::Q4_0, T::Q4_1, T::Q5_0, T::Q5_1, T::Q8_0,
          T::Q2_K, T::Q3_K, T::Q4_K, T::Q5_K, T::Q6_K};
}

inline bool is_k_type(GgmlType t) {
  return t == GgmlType::Q2_K || t == GgmlType::Q3_K || t == GgmlType::Q4_K || t == GgmlType::Q5_K ||
         t == GgmlType::Q6_K;
}

// Lengths to test for a type: 1, 3 and 17 blocks of the larger of the weight and activation block
// (odd multiples catch tail handling), and a long row.
inline std::vector<int64_t> test_lengths(GgmlType t) {
  const int64_t b = is_k_type(t) ? 256 : 32;
  return {b, 3 * b, 17 * b, 4096};
}

inline std::vector<float> random_row(int64_t n, uint32_t seed, float sd = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, sd);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = dist(rng);
  // A few outliers, as real weight rows have them (they drive the block scales).
  for (int64_t i = 0; i < n; i += 97) v[static_cast<size_t>(i)] *= 4.0f;
  return v;
}

inline std::vector<uint8_t> quantize(const TypeKernels& k, const std::vector<float>& x, bool activation = false) {
  std::vector<uint8_t> out(row_size(k.type, static_cast<int64_t>(x.size())));
  (activation ? k.from_float : k.quantize_row)(x.data(), out.data(), static_cast<int64_t>(x.size()));
  return out;
}

inline std::vector<float> dequantize(const TypeKernels& k, const std::vector<uint8_t>& q, int64_t n) {
  std::vector<float> out(static_cast<size_t>(n));
  k.dequantize_row(q.data(), out.data(), n);
  return out;
}

}  // namespace ls::kernels::test
