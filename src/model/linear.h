// y = W x for a batch of activation rows, on weights in their stored format: the single place
// where the model reaches the matmul kernels (src/kernels), plus the embedding row lookup.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gguf/ggml_types.h"
#include "kernels/matmul.h"
#include "model/weights.h"
#include "util/thread_pool.h"

namespace ls::model {

bool linear_supports(gguf::GgmlType t);
std::string linear_supported_types();

// What every linear call of one context shares: the activation buffer (sized once) and the pool.
struct LinearContext {
  kernels::MatmulScratch scratch;
  ThreadPool* pool = nullptr;
  // Reference mode (tests, `logits --exact`): each weight row is dequantised exactly to F32 and
  // dotted with the F32 activations in double; no activation quantisation. Slow; for checking
  // the dequantisers and the rest of the forward pass against the float64 oracle.
  bool exact_weights = false;
  std::vector<float> exact_row;  // one dequantised weight row (exact mode only)
  // llama.cpp's float order for the types kernels/ggml_order.h lists (ContextOptions::ggml_order).
  bool ggml_order = false;
};

// Bytes of activation scratch for n_rows rows of up to `cols` values, whatever the weight type.
size_t linear_scratch_bytes(int64_t cols, int64_t n_rows);

// y[t * w.rows + r] = sum_c W[r][c] * x[t * w.cols + c] for t < n_rows. With per_token, each
// row is computed exactly as it would be alone (kernels::MatmulOptions::per_token).
void linear(const Matrix& w, const float* x, int64_t n_rows, float* y, LinearContext& lc,
            bool per_token = false);

// Row `r` of W as floats (embedding lookup).
void matrix_row(const Matrix& w, int64_t r, float* out);

}  // namespace ls::model
