// Scalar kernels of the 32-value block types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 and the activation type
// Q8_1). Quantisers follow ggml's reference quantisers operation for operation (same expressions,
// same order), because llama.cpp files must come out byte-identical.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

#include "kernels/blocks.h"
#include "kernels/fp16.h"
#include "kernels/scalar.h"

namespace ls::kernels::scalar {
namespace {

// The 5th bits of a Q5 block: bit j of qh is the high bit of value j.
inline uint32_t load_qh(const uint8_t* qh) {
  uint32_t v;
  std::memcpy(&v, qh, 4);
  return v;
}

// Symmetric 4/5-bit block: d = max / -(2^(bits-1)), where max is the value of largest magnitude.
template <int kLevels>  // 16 or 32
float symmetric_scale(const float* x, float* id) {
  float amax = 0, max = 0;
  for (int j = 0; j < kQK; ++j) {
    if (amax < std::fabs(x[j])) {
      amax = std::fabs(x[j]);
      max = x[j];
    }
  }
  const float d = max / -(kLevels / 2);
  *id = d != 0 ? 1.0f / d : 0.0f;
  return d;
}

// Asymmetric block: d = (max - min) / (levels - 1), offset min.
template <int kLevels>
float affine_scale(const float* x, float* min_out, float* id) {
  float min = FLT_MAX, max = -FLT_MAX;
  for (int j = 0; j < kQK; ++j) {
    if (x[j] < min) min = x[j];
    if (x[j] > max) max = x[j];
  }
  const float d = (max - min) / (kLevels - 1);
  *id = d != 0 ? 1.0f / d : 0.0f;
  *min_out = min;
  return d;
}

template <class Block>
void store_q5_high_bits(Block& b, const uint8_t* q) {  // q: 32 values 0..31
  uint32_t qh = 0;
  for (int j = 0; j < kQK / 2; ++j) {
    b.qs[j] = static_cast<uint8_t>((q[j] & 0x0F) | ((q[j + 16] & 0x0F) << 4));
    qh |= ((q[j] & 0x10u) >> 4) << j;
    qh |= ((q[j + 16] & 0x10u) >> 4) << (j + 16);
  }
  std::memcpy(b.qh, &qh, 4);
}

}  // namespace

// ---------------------------------------------------------------- dequantise

void dequantize_q4_0(const void* src, float* dst, int64_t n) {
  const auto* b = static_cast<const BlockQ4_0*>(src);
  for (int64_t i = 0; i < n / kQK; ++i, dst += kQK) {
    const float d = fp16_to_fp32(b[i].d);
    for (int j = 0; j < kQK / 2; ++j) {
      dst[j] = static_cast<float>((b[i].qs[j] & 0x0F) - 8) * d;
      dst[j + 16] = static_cast<float>((b[i].qs[j] >> 4) - 8) * d;
    }
  }
}

void dequantize_q4_1(const void* src, float* dst, int64_t n) {
  const auto* b = static_cast<const BlockQ4_1*>(src);
  for (int64_t i = 0; i < n / kQK; ++i, dst += kQK) {
    const float d = fp16_to_fp32(b[i].d), m = fp16_to_fp32(b[i].m);
    for (int j = 0; j < kQK / 2; ++j) {
      dst[j] = static_cast<float>(b[i].qs[j] & 0x0F) * d + m;
      dst[j + 16] = static_cast<float>(b[i].qs[j] >> 4) * d + m;
    }
  }
}

void dequantize_q5_0(const void* src, float* dst, int64_t n) {
  const auto* b = static_cast<const BlockQ5_0*>(src);
  for (int64_t i = 0; i < n / kQK; ++i, dst += kQK) {
    const float d = fp16_to_fp32(b[i].d);
    const uint32_t qh = load_qh(b[i].qh);
    for (int j = 0; j < kQK / 2; ++j) {
      const int lo = (b[i].qs[j] & 0x0F) | static_cast<int>(((qh >> j) << 4) & 0x10);
      const int hi = (b[i].qs[j] >> 4) | static_cast<int>((qh >> (j + 12)) & 0x10);
      dst[j] = static_cast<float>(lo - 16) * d;
      dst[j + 16] = static_cast<float>(hi - 16) * d;
    }
  }
}

void dequantize_q5_1(const void* src, float* dst, int64_t n) {
  const auto* b = static_cast<const BlockQ5_1*>(src);
  for (int64_t i = 0; i < n / kQK; ++i, dst += kQK) {
    const float d = fp16_to_fp32(b[i].d), m = fp16_to_fp32(b[i].m);
    const uint32_t qh = load_qh(b[i].qh);
    for (int j = 0; j < kQK / 2; ++j) {
      const int lo = (b[i].qs[j] & 0x0F) | static_cast<int>(((qh >> j) << 4) & 0x10);
      const int hi = (b[i].qs[j] >> 4) | static_cast<int>((qh >> (j + 12)) & 0x10);
      dst[j] = static_cast<float>(lo) * d + m;
      dst[j + 16] = static_cast<float>(hi) * d + m;
    }
  }
}

void dequantize_q8_0(const void* src, float* dst, int64_t n) {
  const auto* b = static_cast<const BlockQ8_0*>(src);
  for (int64_t i = 0; i < n / kQK; ++i, dst += kQK) {
    const float d = fp16_to_fp32(b[i].d);
    for (int j = 0; j < kQK; ++j) dst[j] = static_cast<float>(b[i].qs[j]) * d;
  }
}

void dequantize_q8_1(const void* src, float* dst, int64_t n) {
  const auto* b = static_cast<const BlockQ8_1*>(src);
  for (int64_t i = 0; i < n / kQK; ++i, dst += kQK) {
    const float d = fp16_to_fp32(b[i].d);
    for (int j = 0; j < kQK; ++j) dst[j] = static_cast<float>(b[i].qs[j]) * d;
  }
}

// ---------------------------------------------------------------- quantise (reference)

void quantize_q4_0(const float* x, void* dst, int64_t n) {
  auto* b = static_cast<BlockQ4_0*>(dst);
  for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
    float id;
    b[i].d = fp32_to_fp16(symmetric_scale<16>(x, &id));
    for (int j = 0; j < kQK / 2; ++j) {
      const auto lo = std::min<uint8_t>(15, static_cast<uint8_t>(static_cast<int8_t>(x[j] * id + 8.5f)));
      const auto hi = std::min<uint8_t>(15, static_cast<uint8_t>(static_cast<int8_t>(x[j + 16] * id + 8.5f)));
      b[i].qs[j] = static_cast<uint8_t>(lo | (hi << 4));
    }
  }
}

void quantize_q4_1(const float* x, void* dst, int64_t n) {
  auto* b = static_cast<BlockQ4_1*>(dst);
  for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
    float min, id;
    b[i].d = fp32_to_fp16(affine_scale<16>(x, &min, &id));
    b[i].m = fp32_to_fp16(min);
    for (int j = 0; j < kQK / 2; ++j) {
      const auto lo = std::min<uint8_t>(15, static_cast<uint8_t>(static_cast<int8_t>((x[j] - min) * id + 0.5f)));
      const auto hi = std::min<uint8_t>(15, static_cast<uint8_t>(static_cast<int8_t>((x[j + 16] - min) * id + 0.5f)));
      b[i].qs[j] = static_cast<uint8_t>(lo | (hi << 4));
    }
  }
}

void quantize_q5_0(const float* x, void* dst, int64_t n) {
  auto* b = static_cast<BlockQ5_0*>(dst);
  for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
    float id;
    b[i].d = fp32_to_fp16(symmetric_scale<32>(x, &id));
    uint8_t q[kQK];
    for (int j = 0; j < kQK; ++j) {
      q[j] = std::min<uint8_t>(31, static_cast<uint8_t>(static_cast<int8_t>(x[j] * id + 16.5f)));
    }
    store_q5_high_bits(b[i], q);
  }
}

void quantize_q5_1(const float* x, void* dst, int64_t n) {
  auto* b = static_cast<BlockQ5_1*>(dst);
  for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
    float min, id;
    b[i].d = fp32_to_fp16(affine_scale<32>(x, &min, &id));
    b[i].m = fp32_to_fp16(min);
    uint8_t q[kQK];
    for (int j = 0; j < kQK; ++j) q[j] = static_cast<uint8_t>((x[j] - min) * id + 0.5f);
    store_q5_high_bits(b[i], q);
  }
}

namespace {
float block_amax(const float* x) {
  float amax = 0;
  for (int j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(x[j]));
  return amax;
}

// Reference: d = amax/127, values x * (1/d) rounded half away from zero (roundf).
float quantize_block_8_ref(const float* x, int8_t* qs, fp16_t* d_out) {
  const float d = block_amax(x) / 127;
  const float id = d != 0 ? 1.0f / d : 0.0f;
  *d_out = fp32_to_fp16(d);
  for (int j = 0; j < kQK; ++j) qs[j] = static_cast<int8_t>(std::roundf(x[j] * id));
  return d;
}

// ggml-cpu on x86: values x * (127/amax) rounded half to even (what _mm256_round_ps does).
float quantize_block_8_act(const float* x, int8_t* qs, fp16_t* d_out) {
  const float amax = block_amax(x);
  const float d = amax / 127.f;
  const float id = amax != 0.0f ? 127.f / amax : 0.0f;
  *d_out = fp32_to_fp16(d);
  for (int j = 0; j < kQK; ++j) qs[j] = static_cast<int8_t>(std::nearbyintf(x[j] * id));
  return d;
}

template <float (*kQuantizeBlock)(const float*, int8_t*, fp16_t*)>
void quantize_q8_0_with(const float* x, void* dst, int64_t n) {
  auto* b = static_cast<BlockQ8_0*>(dst);
  for (int64_t i = 0; i < n / kQK; ++i, x += kQK) kQuantizeBlock(x, b[i].qs, &b[i].d);
}

template <float (*kQuantizeBlock)(const float*, int8_t*, fp16_t*)>
void quantize_q8_1_with(const float* x, void* dst, int64_t n) {
  auto* b = static_cast<BlockQ8_1*>(dst);
  for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
    const float d = kQuantizeBlock(x, b[i].qs, &b[i].d);
    int sum = 0;
    for (int j = 0; j < kQK; ++j) sum += b[i].qs[j];
    b[i].s = fp32_to_fp16(static_cast<float>(sum) * d);
  }
}
}  // namespace

void quantize_q8_0(const float* x, void* dst, int64_t n) { quantize_q8_0_with<quantize_block_8_ref>(x, dst, n); }
void quantize_q8_1(const float* x, void* dst, int64_t n) { quantize_q8_1_with<quantize_block_8_ref>(x, dst, n); }
void quantize_q8_0_act(const float* x, void* dst, int64_t n) { quantize_q8_0_with<quantize_block_8_act>(x, dst, n); }
void quantize_q8_1_act(const float* x, void* dst, int64_t n) { quantize_q8_1_with<quantize_block_8_act>(x, dst, n); }

// ---------------------------------------------------------------- dot products
// Per block: an exact integer dot product, scaled by (d_w * d_a) computed in float, accumulated in
// float across blocks (ggml's semantics).

namespace {
// The 32 integer values of a weight block, and its float scale (and offset for affine types).
inline void unpack(const BlockQ4_0& b, int* q) {
  for (int j = 0; j < 16; ++j) { q[j] = (b.qs[j] & 0xF) - 8; q[j + 16] = (b.qs[j] >> 4) - 8; }
}
inline void unpack(const BlockQ4_1& b, int* q) {
  for (int j = 0; j < 16; ++j) { q[j] = b.qs[j] & 0xF; q[j + 16] = b.qs[j] >> 4; }
}
inline void unpack(const BlockQ5_0& b, int* q) {
  const uint32_t qh = load_qh(b.qh);
  for (int j = 0; j < 16; ++j) {
    q[j] = ((b.qs[j] & 0xF) | static_cast<int>(((qh >> j) & 1) << 4)) - 16;
    q[j + 16] = ((b.qs[j] >> 4) | static_cast<int>(((qh >> (j + 16)) & 1) << 4)) - 16;
  }
}
inline void unpack(const BlockQ5_1& b, int* q) {
  const uint32_t qh = load_qh(b.qh);
  for (int j = 0; j < 16; ++j) {
    q[j] = (b.qs[j] & 0xF) | static_cast<int>(((qh >> j) & 1) << 4);
    q[j + 16] = (b.qs[j] >> 4) | static_cast<int>(((qh >> (j + 16)) & 1) << 4);
  }
}
inline void unpack(const BlockQ8_0& b, int* q) {
  for (int j = 0; j < kQK; ++j) q[j] = b.qs[j];
}

template <class WBlock, class ABlock>
int block_dot(const WBlock& w, const ABlock& a) {
  int q[kQK];
  unpack(w, q);
  int sum = 0;
  for (int j = 0; j < kQK; ++j) sum += q[j] * a.qs[j];
  return sum;
}

template <class WBlock>  // symmetric weights against Q8_0
float dot_symmetric(int64_t n, const void* w, const void* a) {
  const auto* x = static_cast<const WBlock*>(w);
  const auto* y = static_cast<const BlockQ8_0*>(a);
  float sum = 0;
  for (int64_t i = 0; i < n / kQK; ++i) {
    sum += static_cast<float>(block_dot(x[i], y[i])) * (fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d));
  }
  return sum;
}

template <class WBlock>  // affine weights (d, m) against Q8_1 (d, s = d * sum q)
float dot_affine(int64_t n, const void* w, const void* a) {
  const auto* x = static_cast<const WBlock*>(w);
  const auto* y = static_cast<const BlockQ8_1*>(a);
  float sum = 0;
  for (int64_t i = 0; i < n / kQK; ++i) {
    const float dd = fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d);
    sum += dd * static_cast<float>(block_dot(x[i], y[i])) + fp16_to_fp32(x[i].m) * fp16_to_fp32(y[i].s);
  }
  return sum;
}
}  // namespace

float vec_dot_q4_0(int64_t n, const void* w, const void* a) { return dot_symmetric<BlockQ4_0>(n, w, a); }
float vec_dot_q5_0(int64_t n, const void* w, const void* a) { return dot_symmetric<BlockQ5_0>(n, w, a); }
float vec_dot_q8_0(int64_t n, const void* w, const void* a) { return dot_symmetric<BlockQ8_0>(n, w, a); }
float vec_dot_q4_1(int64_t n, const void* w, const void* a) { return dot_affine<BlockQ4_1>(n, w, a); }
float vec_dot_q5_1(int64_t n, const void* w, const void* a) { return dot_affine<BlockQ5_1>(n, w, a); }

}  // namespace ls::kernels::scalar
