// RoPE: ggml's angle recurrence, per-dimension factors (Llama 3 rope_freqs), linear scaling, and
// which dimensions each style pairs.
#include "model/rope.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace ls::model {
namespace {

TEST(Rope, AnglesFollowBasePowers) {
  RopeParams p;
  p.n_rot = 8;
  p.base = 10000.0f;
  std::vector<float> t(2 * 8);
  rope_table(p, 5, 2, t.data());  // positions 5 and 6
  for (int pos = 5; pos <= 6; ++pos) {
    for (int i = 0; i < 4; ++i) {
      const double angle = pos * std::pow(10000.0, -2.0 * i / 8);
      EXPECT_NEAR(t[(pos - 5) * 8 + 2 * i], std::cos(angle), 1e-5);
      EXPECT_NEAR(t[(pos - 5) * 8 + 2 * i + 1], std::sin(angle), 1e-5);
    }
  }
}

TEST(Rope, FrequencyFactorsAndLinearScalingDivideTheAngle) {
  RopeParams p;
  p.n_rot = 4;
  std::vector<float> plain(4), scaled(4), factored(4);
  rope_table(p, 7, 1, plain.data());
  p.freq_scale = 0.5f;
  rope_table(p, 7, 1, scaled.data());
  const float factors[2] = {2.0f, 4.0f};
  p.freq_scale = 1.0f;
  p.freq_factors = factors;
  rope_table(p, 7, 1, factored.data());
  EXPECT_NEAR(scaled[0], std::cos(7.0 * 0.5), 1e-5);
  EXPECT_NEAR(plain[0], std::cos(7.0), 1e-5);
  EXPECT_NEAR(factored[0], std::cos(7.0 / 2.0), 1e-5);
  EXPECT_NEAR(factored[2], std::cos(7.0 * std::pow(10000.0, -0.5) / 4.0), 1e-5);
}

TEST(Rope, StylesPairDifferentDimensions) {
  RopeParams p;
  p.n_rot = 4;
  std::vector<float> table(4);
  rope_table(p, 1, 1, table.data());
  // Only dimension 0 is non-zero: adjacent pairs it with 1, halves with 2.
  std::vector<float> a = {1, 0, 0, 0, 9}, h = {1, 0, 0, 0, 9};
  p.style = RopeStyle::kAdjacent;
  rope_apply(p, table.data(), a.data(), 1, 5);
  p.style = RopeStyle::kHalves;
  rope_apply(p, table.data(), h.data(), 1, 5);
  EXPECT_NEAR(a[1], std::sin(1.0), 1e-6);
  EXPECT_EQ(a[2], 0.0f);
  EXPECT_NEAR(h[2], std::sin(1.0), 1e-6);
  EXPECT_EQ(h[1], 0.0f);
  EXPECT_EQ(a[4], 9.0f);  // beyond n_rot: untouched
  EXPECT_EQ(h[4], 9.0f);
}

}  // namespace
}  // namespace ls::model
