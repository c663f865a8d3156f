// Element-wise building blocks of the decoder, in float with ggml's rounding order where it
// matters for parity (RMSNorm sums squares in double, then scales, then multiplies the weight).
#pragma once

#include <cstdint>

namespace ls::model {

// out = x / sqrt(mean(x^2) + eps) * w   (w may be null: no weight)
void rms_norm(const float* x, const float* w, int64_t n, float eps, float* out);

// x[i] += b[i]
void add_inplace(float* x, const float* b, int64_t n);

// out[i] = silu(gate[i]) * up[i], with ggml's vector expf (kernels/activation_rows.h)
void swiglu(const float* gate, const float* up, int64_t n, float* out);

}  // namespace ls::model
