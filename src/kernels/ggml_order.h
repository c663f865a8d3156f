// Dot products in the float order of the llama.cpp CPU build the parity goldens were made with
// (node-llama-cpp 3.21.1, ggml's x86 AVX-512 "zen4" variant), for the types where our fast kernels
// apply the float scales differently. The integer sums are exact either way; what differs is where
// they are rounded to float, which moves last bits, and llama.cpp's default setting rounds K/V/Q to
// F16 right after, where a last bit can flip a rounding and fork a greedy continuation.
//   Q3_K, Q5_K, Q6_K: ggml's AVX2 vec_dot: eight int32 lanes per super-block (lane l = values e
//     with (e % 32) / 4 == l), each lane scaled into an 8-lane FMA accumulator, reduced at the end
//     as ((0+4)+(2+6)) + ((1+5)+(3+7)); Q5_K adds its mins term after the reduction.
//   Q2_K, Q4_K: repacked at load on that CPU (q2_K_8x8 / q4_K_8x8). Their GEMV (one token, and the
//     n % 4 tokens at the end of a batch) scales the exact block sums into two FMA accumulators
//     (scales, mins) and subtracts at the end; their GEMM (every full group of 4 tokens) does the
//     same per half super-block (Q2_K) or per 64 values (Q4_K).
// Scalar only (the same bits on every ISA, by construction); used by matmul when
// MatmulOptions::ggml_order is set (parity checks, `logits --ggml-order`), slower than the default
// kernels, which keep their own order.
#pragma once

#include "kernels/kernels.h"

namespace ls::kernels {

struct GgmlOrderDot {
  VecDotFn single = nullptr;   // a token alone or in a batch's tail (vec_dot / GEMV order)
  VecDotFn grouped = nullptr;  // a token in a full group of 4 of a batch (GEMM order); null: single
};

// nullptr: the type's own vec_dot already rounds as ggml does (or no ggml order is defined for it).
const GgmlOrderDot* ggml_order_dot(GgmlType t);

}  // namespace ls::kernels
