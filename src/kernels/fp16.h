// Scalar IEEE half and bfloat16 conversions, bit-exact with ggml on x86 (round to nearest even; NaNs
// keep their top payload bits and become quiet in both directions, as F16C does; bfloat16 NaNs are quietened and
// subnormals are kept, as ggml's current fp32_to_bf16 does).
#pragma once
// Internal linkage and builtins only: these headers are also compiled into the AVX translation
// units, and a shared (COMDAT) out-of-line copy built with AVX flags must never reach scalar code.

#include <bit>
#include <cstdint>

#include "kernels/blocks.h"

namespace ls::kernels {

static inline float fp16_to_fp32(fp16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1Fu;
  const uint32_t mant = h & 0x3FFu;
  if (exp == 0x1F) {  // infinity, or NaN made quiet (as F16C's vcvtph2ps does)
    return __builtin_bit_cast(float, sign | 0x7F800000u | (mant != 0 ? 0x400000u : 0u) | (mant << 13));
  }
  if (exp == 0) {
    // Zero or subnormal: mant * 2^-24 is exact in float.
    const float v = static_cast<float>(mant) * 5.9604644775390625e-8f;
    return sign ? -v : v;
  }
  return __builtin_bit_cast(float, sign | ((exp + 112u) << 23) | (mant << 13));
}

static inline fp16_t fp32_to_fp16(float f) {
  uint32_t x = __builtin_bit_cast(uint32_t, f);
  const uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t ax = x & 0x7FFFFFFFu;
  if (ax > 0x7F800000u) return static_cast<fp16_t>(sign | 0x7E00u | ((ax >> 13) & 0x3FFu));  // NaN
  if (ax >= 0x477FF000u) return static_cast<fp16_t>(sign | 0x7C00u);  // rounds to infinity
  if (ax < 0x38800000u) {
    // Below the smallest normal half: let the FPU round to a multiple of 2^-24 (the ulp of 0.5).
    const float v = __builtin_bit_cast(float, ax) + 0.5f;
    return static_cast<fp16_t>(sign | (__builtin_bit_cast(uint32_t, v) - 0x3F000000u));
  }
  const uint32_t odd = (ax >> 13) & 1u;
  ax += 0xC8000FFFu + odd;  // rebias the exponent (127 -> 15) and round half to even
  return static_cast<fp16_t>(sign | (ax >> 13));
}

static inline float bf16_to_fp32(bf16_t h) { return __builtin_bit_cast(float, static_cast<uint32_t>(h) << 16); }

static inline bf16_t fp32_to_bf16(float f) {
  const uint32_t x = __builtin_bit_cast(uint32_t, f);
  if ((x & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<bf16_t>((x >> 16) | 64u);  // quiet NaN
  return static_cast<bf16_t>((x + 0x7FFFu + ((x >> 16) & 1u)) >> 16);
}

}  // namespace ls::kernels
