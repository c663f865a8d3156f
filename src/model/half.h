// F16 / BF16 <-> F32 scalar conversions with round-to-nearest-even, bit-exact with the hardware
// instructions ggml uses (F16C, AVX512-BF16). TEMPORARY until src/kernels lands its own.
#pragma once

#include <cstdint>
#include <cstring>

namespace ls::model {

inline uint32_t f32_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float f32_from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

inline float f16_to_f32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t e = (h >> 10) & 0x1fu;
  const uint32_t m = h & 0x3ffu;
  if (e == 0) {
    const float v = static_cast<float>(m) * 5.9604644775390625e-8f;  // m * 2^-24
    return f32_from_bits(f32_bits(v) | sign);
  }
  if (e == 31) return f32_from_bits(sign | 0x7f800000u | (m << 13));
  return f32_from_bits(sign | ((e + 112u) << 23) | (m << 13));
}

inline uint16_t f32_to_f16(float f) {
  uint32_t x = f32_bits(f);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  x &= 0x7fffffffu;
  if (x > 0x7f800000u) return sign | 0x7e00u;     // NaN
  if (x >= 0x47800000u) return sign | 0x7c00u;    // >= 65536 (and inf) → inf
  if (x >= 0x38800000u) {                         // normal half (>= 2^-14)
    uint32_t m = x + 0x0fffu + ((x >> 13) & 1u);  // round to nearest even at bit 13
    m = (m - 0x38000000u) >> 13;                  // exponent bias 127 → 15
    return static_cast<uint16_t>(sign | (m >= 0x7c00u ? 0x7c00u : m));
  }
  if (x < 0x33000000u) return sign;               // below half of the smallest subnormal
  const uint32_t e = x >> 23;
  const uint32_t mant = (x & 0x7fffffu) | 0x800000u;
  const uint32_t shift = 126u - e;                // 14..24
  uint32_t r = mant >> shift;
  const uint32_t rem = mant & ((1u << shift) - 1u);
  const uint32_t half = 1u << (shift - 1u);
  if (rem > half || (rem == half && (r & 1u))) ++r;
  return static_cast<uint16_t>(sign | r);
}

inline float bf16_to_f32(uint16_t h) { return f32_from_bits(static_cast<uint32_t>(h) << 16); }

inline uint16_t f32_to_bf16(float f) {
  const uint32_t u = f32_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 64u);  // quiet NaN
  return static_cast<uint16_t>((u + (0x7fffu + ((u >> 16) & 1u))) >> 16);
}

}  // namespace ls::model
