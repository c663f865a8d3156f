// Rotary position embedding. The cos/sin table is built once per batch (shared by every layer and
// head) the way ggml builds it: theta_i = pos * base^(-2i/n_rot), advanced by repeated float
// multiplication, divided by the per-dimension factor (Llama 3 rope_freqs) and scaled linearly.
#pragma once

#include <cstdint>

#include "model/arch.h"

namespace ls::model {

struct RopeParams {
  int n_rot = 0;
  float base = 10000.0f;
  float freq_scale = 1.0f;
  const float* freq_factors = nullptr;  // n_rot/2 entries, or null
  RopeStyle style = RopeStyle::kAdjacent;
  // Rotate as llama.cpp's x86 build does: x0*c - x1*s and x0*s + x1*c each as one FMA (its
  // compiler contracts them: fma(x0, c, -(x1*s)), fma(x0, s, x1*c)); otherwise products rounded.
  bool fused = false;
};

// table[(t * n_rot/2 + i) * 2 + {0,1}] = {cos, sin} of pair i for position pos0 + t.
void rope_table(const RopeParams& p, int64_t pos0, int64_t n_tokens, float* table);

// Rotates the first n_rot dimensions of each of `n_heads` heads (`head_dim` apart) in place,
// using one position's table row (n_rot floats).
void rope_apply(const RopeParams& p, const float* table_row, float* x, int n_heads, int head_dim);

}  // namespace ls::model
