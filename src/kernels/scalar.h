// The scalar reference kernels (internal to kernels/: the table in kernel_table.cpp points at them,
// and the SIMD translation units reuse the parts they do not specialise).
#pragma once

#include <cstdint>

#include "kernels/kernels.h"

namespace ls::kernels::scalar {

// Float types.
void dequantize_f32(const void* src, float* dst, int64_t n);
void quantize_f32(const float* src, void* dst, int64_t n);
float vec_dot_f32(int64_t n, const void* w, const void* a);
void dequantize_f16(const void* src, float* dst, int64_t n);
void quantize_f16(const float* src, void* dst, int64_t n);
float vec_dot_f16(int64_t n, const void* w, const void* a);
void dequantize_bf16(const void* src, float* dst, int64_t n);
void quantize_bf16(const float* src, void* dst, int64_t n);
float vec_dot_bf16(int64_t n, const void* w, const void* a);

// 32-value block types.
void dequantize_q4_0(const void* src, float* dst, int64_t n);
void dequantize_q4_1(const void* src, float* dst, int64_t n);
void dequantize_q5_0(const void* src, float* dst, int64_t n);
void dequantize_q5_1(const void* src, float* dst, int64_t n);
void dequantize_q8_0(const void* src, float* dst, int64_t n);
void dequantize_q8_1(const void* src, float* dst, int64_t n);
void quantize_q4_0(const float* src, void* dst, int64_t n);
void quantize_q4_1(const float* src, void* dst, int64_t n);
void quantize_q5_0(const float* src, void* dst, int64_t n);
void quantize_q5_1(const float* src, void* dst, int64_t n);
void quantize_q8_0(const float* src, void* dst, int64_t n);       // ggml reference (roundf)
void quantize_q8_1(const float* src, void* dst, int64_t n);       // ggml reference (roundf)
void quantize_q8_0_act(const float* src, void* dst, int64_t n);   // ggml-cpu x86 rounding
void quantize_q8_1_act(const float* src, void* dst, int64_t n);   // ggml-cpu x86 rounding
float vec_dot_q4_0(int64_t n, const void* w, const void* a);  // a: Q8_0
float vec_dot_q4_1(int64_t n, const void* w, const void* a);  // a: Q8_1
float vec_dot_q5_0(int64_t n, const void* w, const void* a);  // a: Q8_0
float vec_dot_q5_1(int64_t n, const void* w, const void* a);  // a: Q8_1
float vec_dot_q8_0(int64_t n, const void* w, const void* a);  // a: Q8_0

// K types (a: Q8_K).
void dequantize_q2_k(const void* src, float* dst, int64_t n);
void dequantize_q3_k(const void* src, float* dst, int64_t n);
void dequantize_q4_k(const void* src, float* dst, int64_t n);
void dequantize_q5_k(const void* src, float* dst, int64_t n);
void dequantize_q6_k(const void* src, float* dst, int64_t n);
void dequantize_q8_k(const void* src, float* dst, int64_t n);
void quantize_q2_k(const float* src, void* dst, int64_t n);
void quantize_q3_k(const float* src, void* dst, int64_t n);
void quantize_q4_k(const float* src, void* dst, int64_t n);
void quantize_q5_k(const float* src, void* dst, int64_t n);
void quantize_q6_k(const float* src, void* dst, int64_t n);
void quantize_q8_k(const float* src, void* dst, int64_t n);
float vec_dot_q2_k(int64_t n, const void* w, const void* a);
float vec_dot_q3_k(int64_t n, const void* w, const void* a);
float vec_dot_q4_k(int64_t n, const void* w, const void* a);
float vec_dot_q5_k(int64_t n, const void* w, const void* a);
float vec_dot_q6_k(int64_t n, const void* w, const void* a);
// The same in the float order of llama.cpp's x86 build (kernels/ggml_order.h).
float vec_dot_q2_k_ggml(int64_t n, const void* w, const void* a);
float vec_dot_q2_k_ggml_grouped(int64_t n, const void* w, const void* a);
float vec_dot_q3_k_ggml(int64_t n, const void* w, const void* a);
float vec_dot_q4_k_ggml(int64_t n, const void* w, const void* a);
float vec_dot_q4_k_ggml_grouped(int64_t n, const void* w, const void* a);
float vec_dot_q5_k_ggml(int64_t n, const void* w, const void* a);
float vec_dot_q6_k_ggml(int64_t n, const void* w, const void* a);

// ggml's float -> nearest int (round half to even) for |x| <= 2^22, used by the K quantisers.
static inline int nearest_int(float x) {
  const float v = x + 12582912.f;
  uint32_t bits;
  __builtin_memcpy(&bits, &v, sizeof bits);
  return static_cast<int>(bits & 0x007FFFFFu) - 0x00400000;
}

}  // namespace ls::kernels::scalar
