// The x86 attention row ops give bit-identical results to the scalar reference for the element-wise
// operations (the F16 accumulator must round exactly as ggml's does).
#include "model/attention_ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/fp16.h"

namespace ls::model {
namespace {

TEST(AttentionOps, X86MatchesScalar) {
  const AttentionRowOps* x86 = attention_row_ops_x86();
  if (x86 == nullptr) GTEST_SKIP() << "no AVX2/F16C/FMA on this CPU";
  const AttentionRowOps& ref = attention_row_ops_scalar();
  std::mt19937 rng(7);
  std::normal_distribution<float> dist(0.0f, 2.0f);
  for (int n : {1, 7, 8, 64, 67, 128}) {
    std::vector<uint16_t> v(n), a1(n), a2(n);
    std::vector<float> f1(n), f2(n), q(n);
    for (int i = 0; i < n; ++i) {
      v[i] = kernels::fp32_to_fp16(dist(rng));
      a1[i] = a2[i] = kernels::fp32_to_fp16(dist(rng));
      f1[i] = f2[i] = dist(rng);
      q[i] = dist(rng);
    }
    for (float s : {0.37f, 1.0f, 0.0009f}) {
      ref.mad_f16(n, a1.data(), v.data(), s);
      x86->mad_f16(n, a2.data(), v.data(), s);
      ref.scale_f16(n, a1.data(), s + 0.5f);
      x86->scale_f16(n, a2.data(), s + 0.5f);
      ref.mad_f32(n, f1.data(), v.data(), s);
      x86->mad_f32(n, f2.data(), v.data(), s);
      ref.scale_f32(n, f1.data(), s);
      x86->scale_f32(n, f2.data(), s);
    }
    EXPECT_EQ(a1, a2) << "n=" << n;
    EXPECT_EQ(f1, f2) << "n=" << n;
    const float d1 = ref.dot_f32_f16(n, q.data(), v.data()), d2 = x86->dot_f32_f16(n, q.data(), v.data());
    EXPECT_EQ(d1, d2) << "n=" << n;
  }
}

}  // namespace
}  // namespace ls::model
