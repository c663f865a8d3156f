#include "model/linear.h"

#include <cstdio>
#include <cstdlib>

#include "kernels/kernels.h"

namespace ls::model {

bool linear_supports(gguf::GgmlType t) {
  const kernels::TypeKernels* k = kernels::kernels(t);
  return k != nullptr && k->vec_dot != nullptr && k->dequantize_row != nullptr;
}

std::string linear_supported_types() {
  std::string out;
  for (gguf::GgmlType t : kernels::supported_types()) {
    if (!linear_supports(t)) continue;
    if (!out.empty()) out += ", ";
    out += gguf::type_name(t);
  }
  return out;
}

size_t linear_scratch_bytes(int64_t cols, int64_t n_rows) {
  // The widest activation format is F32 (4 bytes a value); quantised ones are smaller.
  return static_cast<size_t>(cols) * static_cast<size_t>(n_rows) * sizeof(float) + 4096;
}

namespace {

void linear_exact(const Matrix& w, const float* x, int64_t n_rows, float* y, LinearContext& lc) {
  lc.exact_row.resize(static_cast<size_t>(w.cols));
  float* row = lc.exact_row.data();
  const auto dequantize_row = kernels::kernels(w.type)->dequantize_row;
  for (int64_t r = 0; r < w.rows; ++r) {
    dequantize_row(w.row(r), row, w.cols);
    for (int64_t t = 0; t < n_rows; ++t) {
      const float* xt = x + t * w.cols;
      double acc = 0.0;
      for (int64_t c = 0; c < w.cols; ++c) acc += static_cast<double>(row[c]) * static_cast<double>(xt[c]);
      y[t * w.rows + r] = static_cast<float>(acc);
    }
  }
}

}  // namespace

void linear(const Matrix& w, const float* x, int64_t n_rows, float* y, LinearContext& lc,
            bool per_token) {
  if (lc.exact_weights) {
    linear_exact(w, x, n_rows, y, lc);
    return;
  }
  kernels::WeightMatrix wm;
  wm.type = w.type;
  wm.data = w.data;
  wm.n_in = w.cols;
  wm.n_out = w.rows;
  wm.row_stride = w.row_bytes;
  kernels::MatmulOptions mo;
  mo.per_token = per_token;
  mo.ggml_order = lc.ggml_order;
  const Status st = kernels::matmul(wm, x, n_rows, y, lc.scratch, lc.pool, mo);
  if (!st.ok()) {
    // resolve_weights admits only shapes and types the kernels accept, so this is a bug.
    std::fprintf(stderr, "localseek: internal error in matmul: %s\n", st.error().message.c_str());
    std::abort();
  }
}

void matrix_row(const Matrix& w, int64_t r, float* out) {
  kernels::kernels(w.type)->dequantize_row(w.row(r), out, w.cols);
}

}  // namespace ls::model
