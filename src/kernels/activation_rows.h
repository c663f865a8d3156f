// Element-wise activation rows of the decoder, computed exactly as ggml's CPU build computes them
// (the llama.cpp build the parity goldens come from uses its AVX-512 code), so that every ISA gives
// the same bits as that build: a scalar reference and one x86 variant (AVX2+FMA), like the attention
// row kernels. The expf inside SiLU is ggml's vector polynomial (ggml_v_expf: range reduction by
// 2^n, degree-5 polynomial, scaling by 2^n; within ~1.5 ulp of expf), not libm's expf.
#pragma once

#include <cstdint>

#include "kernels/kernels.h"

namespace ls::kernels {

struct ActivationRowKernels {
  // out[i] = silu(gate[i]) * up[i], silu(x) = x / (1 + e^-x); out may alias gate or up.
  void (*swiglu)(int64_t n, const float* gate, const float* up, float* out);
};

// ggml_v_expf for one value (the scalar reference the kernels reproduce; also the softmax of
// ggml's tiled flash attention, model/attention.cpp).
float expf_ggml(float x);

// Row kernels on the given ISA (nullptr: not available on this CPU/build).
const ActivationRowKernels* activation_rows_for(Isa isa);
// On the active ISA.
const ActivationRowKernels& activation_rows();

namespace detail {
// ggml_v_expf's constants (hexadecimal floats: the exact bits matter).
inline constexpr float kExpShift = 0x1.8p23f;       // round-to-integer shift
inline constexpr float kLog2e = 0x1.715476p+0f;
inline constexpr float kLn2Hi = 0x1.62e4p-1f;
inline constexpr float kLn2Lo = 0x1.7f7d1cp-20f;
inline constexpr float kC1 = 0x1.ffffecp-1f, kC2 = 0x1.fffdb6p-2f, kC3 = 0x1.555e66p-3f;
inline constexpr float kC4 = 0x1.573e2ep-5f, kC5 = 0x1.0e4020p-7f;
inline constexpr float kExpLimit = 192.0f;  // |n| above this: 0 or +inf
}  // namespace detail

}  // namespace ls::kernels
