// TEMPORARY float-only matmul (F32/F16/BF16) so the model can be built and checked before the
// kernels land; replaced by src/kernels' matmul. Mirrors ggml's numerics: F16/BF16 weights
// multiply activations rounded to the same type, accumulation in float.
#include "model/linear.h"

#include "model/half.h"

namespace ls::model {

using gguf::GgmlType;

bool linear_supports(GgmlType t) {
  return t == GgmlType::F32 || t == GgmlType::F16 || t == GgmlType::BF16;
}

std::string linear_supported_types() { return "F32, F16, BF16"; }

size_t linear_scratch_bytes(int64_t cols, int64_t n_rows) {
  return static_cast<size_t>(cols) * static_cast<size_t>(n_rows) * sizeof(uint16_t);
}

namespace {

float dot_f32(const float* a, const float* b, int64_t n) {
  float acc[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) acc[j] += a[i + j] * b[i + j];
  }
  float s = 0.0f;
  for (; i < n; ++i) s += a[i] * b[i];
  for (float v : acc) s += v;
  return s;
}

template <float (*ToF32)(uint16_t)>
float dot_h(const uint16_t* a, const uint16_t* b, int64_t n) {
  float acc[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) acc[j] += ToF32(a[i + j]) * ToF32(b[i + j]);
  }
  float s = 0.0f;
  for (; i < n; ++i) s += ToF32(a[i]) * ToF32(b[i]);
  for (float v : acc) s += v;
  return s;
}

template <uint16_t (*FromF32)(float), float (*ToF32)(uint16_t)>
void linear_half(const Matrix& w, const float* x, int64_t n_rows, float* y, void* scratch) {
  auto* xh = static_cast<uint16_t*>(scratch);
  for (int64_t i = 0; i < n_rows * w.cols; ++i) xh[i] = FromF32(x[i]);
  for (int64_t t = 0; t < n_rows; ++t) {
    for (int64_t r = 0; r < w.rows; ++r) {
      y[t * w.rows + r] =
          dot_h<ToF32>(reinterpret_cast<const uint16_t*>(w.row(r)), xh + t * w.cols, w.cols);
    }
  }
}

}  // namespace

void linear(const Matrix& w, const float* x, int64_t n_rows, float* y, void* scratch) {
  switch (w.type) {
    case GgmlType::F32:
      for (int64_t t = 0; t < n_rows; ++t) {
        for (int64_t r = 0; r < w.rows; ++r) {
          y[t * w.rows + r] = dot_f32(reinterpret_cast<const float*>(w.row(r)), x + t * w.cols, w.cols);
        }
      }
      break;
    case GgmlType::F16:
      linear_half<f32_to_f16, f16_to_f32>(w, x, n_rows, y, scratch);
      break;
    case GgmlType::BF16:
      linear_half<f32_to_bf16, bf16_to_f32>(w, x, n_rows, y, scratch);
      break;
    default:
      break;  // resolve_weights admits only supported types
  }
}

void matrix_row(const Matrix& w, int64_t r, float* out) {
  const uint8_t* p = w.row(r);
  for (int64_t c = 0; c < w.cols; ++c) {
    uint16_t h;
    switch (w.type) {
      case GgmlType::F32:
        std::memcpy(&out[c], p + 4 * c, 4);
        break;
      case GgmlType::F16:
        std::memcpy(&h, p + 2 * c, 2);
        out[c] = f16_to_f32(h);
        break;
      case GgmlType::BF16:
        std::memcpy(&h, p + 2 * c, 2);
        out[c] = bf16_to_f32(h);
        break;
      default:
        out[c] = 0.0f;
    }
  }
}

}  // namespace ls::model
