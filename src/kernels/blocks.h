// On-disk block layouts of the ggml quantised types, bit-compatible with ggml (GGUF tensor data is
// an array of these). Scales are stored as IEEE half floats (raw bits) exactly where ggml stores them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ls::kernels {

using fp16_t = uint16_t;  // raw IEEE binary16 bits
using bf16_t = uint16_t;  // raw bfloat16 bits

inline constexpr int kQK = 32;     // block size of the "legacy" types
inline constexpr int kQK_K = 256;  // super-block size of the K types
inline constexpr int kKScaleBytes = 12;

struct BlockQ4_0 { fp16_t d; uint8_t qs[kQK / 2]; };
struct BlockQ4_1 { fp16_t d; fp16_t m; uint8_t qs[kQK / 2]; };
struct BlockQ5_0 { fp16_t d; uint8_t qh[4]; uint8_t qs[kQK / 2]; };
struct BlockQ5_1 { fp16_t d; fp16_t m; uint8_t qh[4]; uint8_t qs[kQK / 2]; };
struct BlockQ8_0 { fp16_t d; int8_t qs[kQK]; };
// Activation partner of Q4_1/Q5_1: s = d * sum(qs), so the min term costs one multiply per block.
struct BlockQ8_1 { fp16_t d; fp16_t s; int8_t qs[kQK]; };

// K types: 256 values per super-block in sub-blocks of 16 or 32.
struct BlockQ2_K {
  uint8_t scales[kQK_K / 16];  // low nibble scale, high nibble min, per 16 values
  uint8_t qs[kQK_K / 4];       // 2-bit quants
  fp16_t d;                    // super-block scale of the scales
  fp16_t dmin;                 // super-block scale of the mins
};
struct BlockQ3_K {
  uint8_t hmask[kQK_K / 8];  // high bit of each quant
  uint8_t qs[kQK_K / 4];     // low 2 bits
  uint8_t scales[12];        // 16 6-bit scales, packed
  fp16_t d;
};
struct BlockQ4_K {
  fp16_t d;
  fp16_t dmin;
  uint8_t scales[kKScaleBytes];  // 8 6-bit scales and 8 6-bit mins, packed
  uint8_t qs[kQK_K / 2];
};
struct BlockQ5_K {
  fp16_t d;
  fp16_t dmin;
  uint8_t scales[kKScaleBytes];
  uint8_t qh[kQK_K / 8];
  uint8_t qs[kQK_K / 2];
};
struct BlockQ6_K {
  uint8_t ql[kQK_K / 2];      // low 4 bits
  uint8_t qh[kQK_K / 4];      // high 2 bits
  int8_t scales[kQK_K / 16];  // 8-bit scales per 16 values
  fp16_t d;
};
// Activation partner of every K type: float scale, and sums of 16 quants for the min terms.
struct BlockQ8_K {
  float d;
  int8_t qs[kQK_K];
  int16_t bsums[kQK_K / 16];
};

static_assert(sizeof(BlockQ4_0) == 18);
static_assert(sizeof(BlockQ4_1) == 20);
static_assert(sizeof(BlockQ5_0) == 22);
static_assert(sizeof(BlockQ5_1) == 24);
static_assert(sizeof(BlockQ8_0) == 34);
static_assert(sizeof(BlockQ8_1) == 36);
static_assert(sizeof(BlockQ2_K) == 84);
static_assert(sizeof(BlockQ3_K) == 110);
static_assert(sizeof(BlockQ4_K) == 144);
static_assert(sizeof(BlockQ5_K) == 176);
static_assert(sizeof(BlockQ6_K) == 210);
static_assert(sizeof(BlockQ8_K) == 292);

// The 6-bit scale j and min j of a Q4_K/Q5_K super-block (ggml's packing: first 4 in the low 6 bits
// of bytes 0..7, last 4 split into nibbles of bytes 8..11 plus the top 2 bits of bytes 0..7).
static inline void k4_scale_min(int j, const uint8_t* q, uint8_t* sc, uint8_t* m) {
  if (j < 4) {
    *sc = q[j] & 63;
    *m = q[j + 4] & 63;
  } else {
    *sc = static_cast<uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
    *m = static_cast<uint8_t>((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
  }
}

// The 16 signed 6-bit scales of a Q3_K super-block, unpacked (values -32..31). Scale j has its low
// 4 bits in the low (j < 8) or high (j >= 8) nibble of byte j % 8, and its top 2 bits at bit
// 2 * (j / 4) of byte 8 + j % 4; done four scales at a time in 32-bit words.
static inline void q3k_scales(const uint8_t* packed, int8_t out[16]) {
  uint32_t w[3];
  __builtin_memcpy(w, packed, 12);
  const uint32_t low4 = 0x0F0F0F0Fu, low2 = 0x03030303u;
  const uint32_t words[4] = {
      (w[0] & low4) | (((w[2] >> 0) & low2) << 4),
      (w[1] & low4) | (((w[2] >> 2) & low2) << 4),
      ((w[0] >> 4) & low4) | (((w[2] >> 4) & low2) << 4),
      ((w[1] >> 4) & low4) | (((w[2] >> 6) & low2) << 4),
  };
  uint8_t bytes[16];
  __builtin_memcpy(bytes, words, 16);
  for (int j = 0; j < 16; ++j) out[j] = static_cast<int8_t>(bytes[j] - 32);
}

}  // namespace ls::kernels
