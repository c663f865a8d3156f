// The activation row kernels: every ISA gives the scalar reference's bits, and the reference is a
// faithful SiLU (ggml's vector expf stays within a few ulp of the exact value).
#include "kernels/activation_rows.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace ls::kernels {
namespace {

std::vector<float> inputs(int n, float spread, std::mt19937& rng) {
  std::normal_distribution<float> dist(0.0f, spread);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = dist(rng);
  return v;
}

TEST(ActivationRows, EveryIsaMatchesScalarBitForBit) {
  std::mt19937 rng(7);
  // Lengths with and without a tail; wide inputs reach the 2^n scaling limits (0, subnormal, inf).
  for (int n : {1, 7, 8, 33, 768}) {
    for (float spread : {1.0f, 8.0f, 120.0f}) {
      const auto g = inputs(n, spread, rng), u = inputs(n, 1.0f, rng);
      std::vector<float> want(g.size()), got(g.size());
      activation_rows_for(Isa::kScalar)->swiglu(n, g.data(), u.data(), want.data());
      for (Isa isa : available_isas()) {
        activation_rows_for(isa)->swiglu(n, g.data(), u.data(), got.data());
        for (int i = 0; i < n; ++i) {
          EXPECT_EQ(0, std::memcmp(&want[i], &got[i], sizeof(float)))
              << isa_name(isa) << " n=" << n << " i=" << i << " gate=" << g[i] << ": " << want[i] << " vs " << got[i];
        }
      }
    }
  }
}

TEST(ActivationRows, SwigluIsSiluTimesUp) {
  std::mt19937 rng(3);
  const auto g = inputs(4096, 6.0f, rng), u = inputs(4096, 1.0f, rng);
  std::vector<float> out(g.size());
  activation_rows_for(Isa::kScalar)->swiglu(static_cast<int64_t>(g.size()), g.data(), u.data(), out.data());
  for (size_t i = 0; i < g.size(); ++i) {
    const double want = g[i] / (1.0 + std::exp(-static_cast<double>(g[i]))) * u[i];
    EXPECT_NEAR(out[i], want, 4e-7 * std::fabs(want) + 1e-30) << "gate " << g[i];
  }
  // Far tails: e^-x overflows to +inf (silu -> -0) or underflows to 0 (silu -> x).
  const float big[2] = {-200.0f, 200.0f}, one[2] = {1.0f, 1.0f};
  float o[2];
  activation_rows_for(Isa::kScalar)->swiglu(2, big, one, o);
  EXPECT_EQ(o[0], 0.0f);
  EXPECT_EQ(o[1], 200.0f);
}

// The in-place use of the decoder (out aliases gate).
TEST(ActivationRows, InPlace) {
  std::mt19937 rng(5);
  auto g = inputs(40, 3.0f, rng);
  const auto u = inputs(40, 1.0f, rng);
  std::vector<float> want(g.size());
  activation_rows().swiglu(40, g.data(), u.data(), want.data());
  activation_rows().swiglu(40, g.data(), u.data(), g.data());
  EXPECT_EQ(0, std::memcmp(want.data(), g.data(), g.size() * sizeof(float)));
}

}  // namespace
}  // namespace ls::kernels
