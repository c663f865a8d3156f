#include "model/rope.h"

#include <cmath>

namespace ls::model {

void rope_table(const RopeParams& p, int64_t pos0, int64_t n_tokens, float* table) {
  const int half = p.n_rot / 2;
  const float theta_scale = std::pow(p.base, -2.0f / static_cast<float>(p.n_rot));
  for (int64_t t = 0; t < n_tokens; ++t) {
    float theta = static_cast<float>(pos0 + t);
    float* row = table + t * p.n_rot;
    for (int i = 0; i < half; ++i) {
      const float ff = p.freq_factors != nullptr ? p.freq_factors[i] : 1.0f;
      const float angle = p.freq_scale * (theta / ff);
      row[2 * i] = std::cos(angle);
      row[2 * i + 1] = std::sin(angle);
      theta *= theta_scale;
    }
  }
}

void rope_apply(const RopeParams& p, const float* table_row, float* x, int n_heads, int head_dim) {
  const int half = p.n_rot / 2;
  // Pair i is (2i, 2i+1) for adjacent rope and (i, i + n_rot/2) for halves.
  const int stride = p.style == RopeStyle::kAdjacent ? 2 : 1;
  const int partner = p.style == RopeStyle::kAdjacent ? 1 : half;
  for (int h = 0; h < n_heads; ++h) {
    float* v = x + static_cast<int64_t>(h) * head_dim;
    for (int i = 0; i < half; ++i) {
      const float c = table_row[2 * i], s = table_row[2 * i + 1];
      float& a = v[i * stride];
      float& b = v[i * stride + partner];
      const float x0 = a, x1 = b;
      if (p.fused) {
        a = std::fma(x0, c, -(x1 * s));
        b = std::fma(x0, s, x1 * c);
      } else {
        a = x0 * c - x1 * s;
        b = x0 * s + x1 * c;
      }
    }
  }
}

}  // namespace ls::model
