// Whole-tensor quantisation for writing model files (`localseek quantize`): the reference quantiser
// of the target type (llama.cpp-identical bytes, see TypeKernels::quantize_row), rows spread over a
// thread pool. Not for the inference hot path.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/kernels.h"
#include "util/error.h"
#include "util/thread_pool.h"

namespace ls::kernels {

// Quantises n_rows rows of n_per_row floats into dst (n_rows * row_size(type, n_per_row) bytes).
// Returns the number of bytes written. Errors: type without a quantiser, or n_per_row not a
// multiple of the type's block size (llama.cpp then falls back to another type; the caller decides).
Result<size_t> quantize_rows(GgmlType type, const float* src, int64_t n_rows, int64_t n_per_row, void* dst,
                             ThreadPool* pool);

}  // namespace ls::kernels
