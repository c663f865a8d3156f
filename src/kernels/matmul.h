// y[n_tokens x n_out] = x[n_tokens x n_in] . W^T for a weight matrix W of any supported type, as the
// model's linear layers need it. Activations are quantised once per call into W's vec_dot type
// (into a reusable scratch buffer), then output rows are split across the thread pool.
//
// Layouts: from 4 tokens on, the quantised types with panel kernels (gemm.h: K types on AVX2 and
// AVX-512, Q4_0/Q5_0/Q8_0/Q4_1/Q5_1 on AVX-512) unpack 16 (AVX-512) or 8 (AVX2) weight rows at a
// time into a per-thread scratch panel: unsigned quants, 4 values of a row per 32-bit lane, rows
// side by side, then per-row scales as arrays (x86_gemm.inc). Nothing is repacked at load and no
// weight memory is added (a panel is ~5.2 KiB per 256 values x 16 rows). Decode runs the type's gemv
// (several rows per pass, equal to vec_dot bit for bit) or vec_dot on the original rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "kernels/kernels.h"
#include "util/error.h"
#include "util/thread_pool.h"

namespace ls::kernels {

// Reserved for repacked (interleaved) weight layouts a type may prepare once at load time; matmul
// uses the plain rows when it is null.
struct PreparedWeights;

struct WeightMatrix {
  GgmlType type = GgmlType::F32;
  const void* data = nullptr;  // n_out rows of n_in values (typically mmapped GGUF tensor data)
  int64_t n_in = 0;
  int64_t n_out = 0;
  size_t row_stride = 0;  // bytes between rows; 0 = packed (row_size(type, n_in))
  const PreparedWeights* prepared = nullptr;
};

// Grow-only, 64-byte aligned buffer for the quantised activations: reuse one per thread of control
// so that the hot path does not allocate.
class MatmulScratch {
 public:
  void* reserve(size_t bytes);
  size_t capacity() const { return capacity_; }

 private:
  struct Free { void operator()(void* p) const; };
  std::unique_ptr<void, Free> buf_;
  size_t capacity_ = 0;
};

struct MatmulOptions {
  Isa isa = active_isa();  // tests pin an ISA; the engine keeps the active one
  size_t x_stride = 0;   // floats between token rows of x; 0 = n_in
  size_t y_stride = 0;   // floats between token rows of y; 0 = n_out
  // Every token through the single-token path (vec_dot on vec_dot_type activations), whatever
  // n_tokens: a token's result is then the same bits as if it were alone, which the batched
  // server forward needs (one sequence's greedy output must not depend on its batch mates).
  bool per_token = false;
  // The float order of llama.cpp's x86 build for the types kernels/ggml_order.h lists (scalar,
  // slower; every ISA the same bits): a token in a full group of 4 (batches of 4+ tokens, not
  // per_token) takes ggml's GEMM order, the others its vec_dot/GEMV order. Other types unchanged.
  bool ggml_order = false;
};

// pool may be null (single-threaded). Errors: unsupported type or ISA, n_in not a multiple of the
// type's block size, null pointers.
Status matmul(const WeightMatrix& w, const float* x, int64_t n_tokens, float* y, MatmulScratch& scratch,
              ThreadPool* pool, const MatmulOptions& options = {});

}  // namespace ls::kernels
