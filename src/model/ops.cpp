#include "model/ops.h"

#include <cmath>

#include "kernels/activation_rows.h"

namespace ls::model {

void rms_norm(const float* x, const float* w, int64_t n, float eps, float* out) {
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i] * x[i]);
  const float mean = static_cast<float>(sum / static_cast<double>(n));
  const float scale = 1.0f / std::sqrt(mean + eps);
  if (w == nullptr) {
    for (int64_t i = 0; i < n; ++i) out[i] = x[i] * scale;
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = (x[i] * scale) * w[i];
  }
}

void add_inplace(float* x, const float* b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] += b[i];
}

void swiglu(const float* gate, const float* up, int64_t n, float* out) {
  kernels::activation_rows().swiglu(n, gate, up, out);
}

}  // namespace ls::model
