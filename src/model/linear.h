// y = W x for a batch of activation rows, on weights in their stored format. The single entry
// point through which the model reaches the matmul kernels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "gguf/ggml_types.h"
#include "model/weights.h"

namespace ls::model {

bool linear_supports(gguf::GgmlType t);
std::string linear_supported_types();

// Scratch bytes `linear` needs for `n_rows` activation rows of `cols` elements (converted once
// per call to the format the weight type multiplies with).
size_t linear_scratch_bytes(int64_t cols, int64_t n_rows);

// y[t * w.rows + r] = sum_c W[r][c] * x[t * w.cols + c] for t < n_rows.
void linear(const Matrix& w, const float* x, int64_t n_rows, float* y, void* scratch);

// Row `r` of W as floats (embedding lookup).
void matrix_row(const Matrix& w, int64_t r, float* out);

}  // namespace ls::model
