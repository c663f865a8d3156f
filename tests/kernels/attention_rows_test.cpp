// The attention row kernels: every ISA gives bit-identical results to the scalar reference (the F16
// accumulator must round exactly as ggml's does, and the dot products keep ggml's summation order),
// and the scalar reference itself computes what it documents.
#include "kernels/attention_rows.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernels/fp16.h"

namespace ls::kernels {
namespace {

struct Rows {
  std::vector<uint16_t> v, a, q16;
  std::vector<float> f, q, v32;
};

Rows random_rows(int n, std::mt19937& rng) {
  std::normal_distribution<float> dist(0.0f, 2.0f);
  Rows r;
  for (int i = 0; i < n; ++i) {
    r.v.push_back(fp32_to_fp16(dist(rng)));
    r.a.push_back(fp32_to_fp16(dist(rng)));
    r.q16.push_back(fp32_to_fp16(dist(rng)));
    r.f.push_back(dist(rng));
    r.q.push_back(dist(rng));
    r.v32.push_back(dist(rng));
  }
  return r;
}

TEST(AttentionRows, EveryIsaMatchesScalarBitForBit) {
  const AttentionRowKernels& ref = *attention_rows_for(Isa::kScalar);
  for (Isa isa : available_isas()) {
    const AttentionRowKernels& k = *attention_rows_for(isa);
    const std::string where(isa_name(isa));
    std::mt19937 rng(7);
    for (int n : {1, 7, 8, 63, 64, 67, 128, 130}) {
      const Rows r = random_rows(n, rng);
      std::vector<uint16_t> a1 = r.a, a2 = r.a;
      std::vector<float> f1 = r.f, f2 = r.f, g1 = r.f, g2 = r.f;
      for (float s : {0.37f, 1.0f, 0.0009f}) {
        ref.mad_f16(n, a1.data(), r.v.data(), s);
        k.mad_f16(n, a2.data(), r.v.data(), s);
        ref.scale_f16(n, a1.data(), s + 0.5f);
        k.scale_f16(n, a2.data(), s + 0.5f);
        ref.mad_f32(n, f1.data(), r.v.data(), s);
        k.mad_f32(n, f2.data(), r.v.data(), s);
        ref.scale_f32(n, f1.data(), s);
        k.scale_f32(n, f2.data(), s);
        ref.mad_f32_f32(n, g1.data(), r.v32.data(), s);
        k.mad_f32_f32(n, g2.data(), r.v32.data(), s);
      }
      EXPECT_EQ(a1, a2) << where << " n=" << n;
      EXPECT_EQ(f1, f2) << where << " n=" << n;
      EXPECT_EQ(g1, g2) << where << " n=" << n;
      EXPECT_EQ(ref.dot_f32_f16(n, r.q.data(), r.v.data()), k.dot_f32_f16(n, r.q.data(), r.v.data())) << where << " n=" << n;
      EXPECT_EQ(ref.dot_f16(n, r.v.data(), r.q16.data()), k.dot_f16(n, r.v.data(), r.q16.data())) << where << " n=" << n;
    }
  }
}

TEST(AttentionRows, ReferenceComputesWhatItSays) {
  const AttentionRowKernels& ref = *attention_rows_for(Isa::kScalar);
  std::mt19937 rng(11);
  for (int n : {5, 64, 128, 100}) {
    const Rows r = random_rows(n, rng);
    double exact = 0.0;  // F16 x F16 products are exact in float; the sums differ only by rounding
    for (int i = 0; i < n; ++i) exact += static_cast<double>(fp16_to_fp32(r.v[i])) * fp16_to_fp32(r.q16[i]);
    EXPECT_NEAR(ref.dot_f16(n, r.v.data(), r.q16.data()), exact, 1e-4 * (1.0 + std::fabs(exact))) << n;
    // mad_f16 rounds once per element: f16(v * s + acc).
    std::vector<uint16_t> a = r.a;
    ref.mad_f16(n, a.data(), r.v.data(), 0.25f);
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(a[i], fp32_to_fp16(fp16_to_fp32(r.v[i]) * 0.25f + fp16_to_fp32(r.a[i])));  // *0.25 is exact
    }
  }
  // The summation order is ggml's: with 64 values whose order matters, the result is the tree's.
  std::vector<uint16_t> k(64, fp32_to_fp16(1.0f)), q(64, fp32_to_fp16(0.0f));
  q[0] = fp32_to_fp16(2048.0f);  // lane 0 of accumulator 0
  q[16] = fp32_to_fp16(1.0f);    // lane 0 of accumulator 1: 2048 + 1 is exact in float
  EXPECT_EQ(ref.dot_f16(64, k.data(), q.data()), 2049.0f);
}

}  // namespace
}  // namespace ls::kernels
