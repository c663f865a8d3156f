// Scalar kernels of the K types (256-value super-blocks): dequantisation, the Q8_K activation
// quantiser and the dot products against Q8_K. Dot products take an exact integer sum per
// super-block (scale-weighted), then apply the float super-block scales as ggml does:
// sum += d_w * d_a * isum  (- dmin_w * d_a * sum(min * bsum) for the types with mins).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/blocks.h"
#include "kernels/fp16.h"
#include "kernels/scalar.h"

namespace ls::kernels::scalar {

// ---------------------------------------------------------------- unpacking to integers
// Each unpacks one super-block into 256 integer quants in natural order; the scale layout differs.

namespace {
void unpack_q2_k(const BlockQ2_K& b, int8_t* q) {
  for (int half = 0; half < 2; ++half) {
    const uint8_t* qs = b.qs + 32 * half;
    for (int shift = 0; shift < 4; ++shift) {
      for (int l = 0; l < 32; ++l) q[128 * half + 32 * shift + l] = static_cast<int8_t>((qs[l] >> (2 * shift)) & 3);
    }
  }
}

void unpack_q3_k(const BlockQ3_K& b, int8_t* q) {
  for (int half = 0; half < 2; ++half) {
    const uint8_t* qs = b.qs + 32 * half;
    for (int shift = 0; shift < 4; ++shift) {
      const uint8_t mask = static_cast<uint8_t>(1u << (4 * half + shift));
      for (int l = 0; l < 32; ++l) {
        const int low = (qs[l] >> (2 * shift)) & 3;
        q[128 * half + 32 * shift + l] = static_cast<int8_t>(low - ((b.hmask[l] & mask) ? 0 : 4));
      }
    }
  }
}

void unpack_q4_k(const BlockQ4_K& b, int8_t* q) {
  for (int c = 0; c < 4; ++c) {
    for (int l = 0; l < 32; ++l) {
      q[64 * c + l] = static_cast<int8_t>(b.qs[32 * c + l] & 0xF);
      q[64 * c + 32 + l] = static_cast<int8_t>(b.qs[32 * c + l] >> 4);
    }
  }
}

void unpack_q5_k(const BlockQ5_K& b, int8_t* q) {
  for (int c = 0; c < 4; ++c) {
    const uint8_t m1 = static_cast<uint8_t>(1u << (2 * c)), m2 = static_cast<uint8_t>(2u << (2 * c));
    for (int l = 0; l < 32; ++l) {
      q[64 * c + l] = static_cast<int8_t>((b.qs[32 * c + l] & 0xF) + ((b.qh[l] & m1) ? 16 : 0));
      q[64 * c + 32 + l] = static_cast<int8_t>((b.qs[32 * c + l] >> 4) + ((b.qh[l] & m2) ? 16 : 0));
    }
  }
}

void unpack_q6_k(const BlockQ6_K& b, int8_t* q) {
  for (int half = 0; half < 2; ++half) {
    const uint8_t* ql = b.ql + 64 * half;
    const uint8_t* qh = b.qh + 32 * half;
    int8_t* out = q + 128 * half;
    for (int l = 0; l < 32; ++l) {
      out[l] = static_cast<int8_t>(((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32);
      out[l + 32] = static_cast<int8_t>(((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32);
      out[l + 64] = static_cast<int8_t>(((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
      out[l + 96] = static_cast<int8_t>(((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
    }
  }
}

int sub_dot(const int8_t* q, const int8_t* a, int len) {
  int s = 0;
  for (int l = 0; l < len; ++l) s += q[l] * a[l];
  return s;
}
}  // namespace

// ---------------------------------------------------------------- dequantise

void dequantize_q2_k(const void* src, float* dst, int64_t n) {
  const auto* b = static_cast<const BlockQ2_K*>(src);
  int8_t q[kQK_K];
  for (int64_t i = 0; i < n / kQK_K; ++i, dst += kQK_K) {
    const float d = fp16_to_fp32(b[i].d), dmin = fp16_to_fp32(b[i].dmin);
    unpack_q2_k(b[i], q);
    for (int j = 0; j < 16; ++j) {
      const float dl = d * static_cast<float>(b[i].scales[j] & 0xF);
      const float ml = dmin * static_cast<float>(b[i].scales[j] >> 4);
      for (int l = 0; l < 16; ++l) dst[16 * j + l] = dl * static_cast<float>(q[16 * j + l]) - ml;
    }
  }
}

void dequantize_q3_k(const void* src, float* dst, int64_t n) {
  const auto* b = static_cast<const BlockQ3_K*>(src);
  int8_t q[kQK_K], sc[16];
  for (int64_t i = 0; i < n / kQK_K; ++i, dst += kQK_K) {
    const float d = fp16_to_fp32(b[i].d);
    unpack_q3_k(b[i], q);
    q3k_scales(b[i].scales, sc);
    for (int j = 0; j < 16; ++j) {
      const float dl = d * static_cast<float>(sc[j]);
      for (int l = 0; l < 16; ++l) dst[16 * j + l] = dl * static_cast<float>(q[16 * j + l]);
    }
  }
}

template <class Block, void (*kUnpack)(const Block&, int8_t*)>
static void dequantize_scale_min(const void* src, float* dst, int64_t n) {
  const auto* b = static_cast<const Block*>(src);
  int8_t q[kQK_K];
  for (int64_t i = 0; i < n / kQK_K; ++i, dst += kQK_K) {
    const float d = fp16_to_fp32(b[i].d), dmin = fp16_to_fp32(b[i].dmin);
    kUnpack(b[i], q);
    for (int j = 0; j < 8; ++j) {
      uint8_t sc, m;
      k4_scale_min(j, b[i].scales, &sc, &m);
      const float dl = d * static_cast<float>(sc), ml = dmin * static_cast<float>(m);
      for (int l = 0; l < 32; ++l) dst[32 * j + l] = dl * static_cast<float>(q[32 * j + l]) - ml;
    }
  }
}

void dequantize_q4_k(const void* src, float* dst, int64_t n) { dequantize_scale_min<BlockQ4_K, unpack_q4_k>(src, dst, n); }
void dequantize_q5_k(const void* src, float* dst, int64_t n) { dequantize_scale_min<BlockQ5_K, unpack_q5_k>(src, dst, n); }

void dequantize_q6_k(const void* src, float* dst, int64_t n) {
  const auto* b = static_cast<const BlockQ6_K*>(src);
  int8_t q[kQK_K];
  for (int64_t i = 0; i < n / kQK_K; ++i, dst += kQK_K) {
    const float d = fp16_to_fp32(b[i].d);
    unpack_q6_k(b[i], q);
    for (int j = 0; j < 16; ++j) {
      for (int l = 0; l < 16; ++l) {
        dst[16 * j + l] = d * static_cast<float>(b[i].scales[j]) * static_cast<float>(q[16 * j + l]);
      }
    }
  }
}

void dequantize_q8_k(const void* src, float* dst, int64_t n) {
  const auto* b = static_cast<const BlockQ8_K*>(src);
  for (int64_t i = 0; i < n / kQK_K; ++i, dst += kQK_K) {
    for (int j = 0; j < kQK_K; ++j) dst[j] = b[i].d * static_cast<float>(b[i].qs[j]);
  }
}

// ---------------------------------------------------------------- Q8_K activations

void quantize_q8_k(const float* x, void* dst, int64_t n) {
  auto* b = static_cast<BlockQ8_K*>(dst);
  for (int64_t i = 0; i < n / kQK_K; ++i, x += kQK_K) {
    float amax = 0, max = 0;
    for (int j = 0; j < kQK_K; ++j) {
      if (std::fabs(x[j]) > amax) {
        amax = std::fabs(x[j]);
        max = x[j];
      }
    }
    if (amax == 0) {
      std::memset(&b[i], 0, sizeof(BlockQ8_K));
      continue;
    }
    const float iscale = -127.f / max;
    for (int j = 0; j < kQK_K; ++j) b[i].qs[j] = static_cast<int8_t>(std::min(127, nearest_int(iscale * x[j])));
    for (int j = 0; j < kQK_K / 16; ++j) {
      int sum = 0;
      for (int l = 0; l < 16; ++l) sum += b[i].qs[16 * j + l];
      b[i].bsums[j] = static_cast<int16_t>(sum);
    }
    b[i].d = 1 / iscale;
  }
}

// ---------------------------------------------------------------- dot products

float vec_dot_q2_k(int64_t n, const void* w, const void* a) {
  const auto* x = static_cast<const BlockQ2_K*>(w);
  const auto* y = static_cast<const BlockQ8_K*>(a);
  int8_t q[kQK_K];
  float sum = 0;
  for (int64_t i = 0; i < n / kQK_K; ++i) {
    unpack_q2_k(x[i], q);
    int isum = 0, summs = 0;
    for (int j = 0; j < 16; ++j) {
      isum += (x[i].scales[j] & 0xF) * sub_dot(q + 16 * j, y[i].qs + 16 * j, 16);
      summs += y[i].bsums[j] * (x[i].scales[j] >> 4);
    }
    const float dall = y[i].d * fp16_to_fp32(x[i].d);
    const float dmin = y[i].d * fp16_to_fp32(x[i].dmin);
    sum += dall * static_cast<float>(isum) - dmin * static_cast<float>(summs);
  }
  return sum;
}

float vec_dot_q3_k(int64_t n, const void* w, const void* a) {
  const auto* x = static_cast<const BlockQ3_K*>(w);
  const auto* y = static_cast<const BlockQ8_K*>(a);
  int8_t q[kQK_K], sc[16];
  float sum = 0;
  for (int64_t i = 0; i < n / kQK_K; ++i) {
    unpack_q3_k(x[i], q);
    q3k_scales(x[i].scales, sc);
    int isum = 0;
    for (int j = 0; j < 16; ++j) isum += sc[j] * sub_dot(q + 16 * j, y[i].qs + 16 * j, 16);
    sum += fp16_to_fp32(x[i].d) * y[i].d * static_cast<float>(isum);
  }
  return sum;
}

template <class Block, void (*kUnpack)(const Block&, int8_t*)>
static float dot_scale_min(int64_t n, const void* w, const void* a) {
  const auto* x = static_cast<const Block*>(w);
  const auto* y = static_cast<const BlockQ8_K*>(a);
  int8_t q[kQK_K];
  float sum = 0;
  for (int64_t i = 0; i < n / kQK_K; ++i) {
    kUnpack(x[i], q);
    int isum = 0, summs = 0;
    for (int j = 0; j < 8; ++j) {
      uint8_t sc, m;
      k4_scale_min(j, x[i].scales, &sc, &m);
      isum += sc * sub_dot(q + 32 * j, y[i].qs + 32 * j, 32);
      summs += m * (y[i].bsums[2 * j] + y[i].bsums[2 * j + 1]);
    }
    const float d = fp16_to_fp32(x[i].d) * y[i].d;
    const float dmin = fp16_to_fp32(x[i].dmin) * y[i].d;
    sum += d * static_cast<float>(isum) - dmin * static_cast<float>(summs);
  }
  return sum;
}

float vec_dot_q4_k(int64_t n, const void* w, const void* a) { return dot_scale_min<BlockQ4_K, unpack_q4_k>(n, w, a); }
float vec_dot_q5_k(int64_t n, const void* w, const void* a) { return dot_scale_min<BlockQ5_K, unpack_q5_k>(n, w, a); }

float vec_dot_q6_k(int64_t n, const void* w, const void* a) {
  const auto* x = static_cast<const BlockQ6_K*>(w);
  const auto* y = static_cast<const BlockQ8_K*>(a);
  int8_t q[kQK_K];
  float sum = 0;
  for (int64_t i = 0; i < n / kQK_K; ++i) {
    unpack_q6_k(x[i], q);
    int isum = 0;
    for (int j = 0; j < 16; ++j) isum += x[i].scales[j] * sub_dot(q + 16 * j, y[i].qs + 16 * j, 16);
    sum += fp16_to_fp32(x[i].d) * y[i].d * static_cast<float>(isum);
  }
  return sum;
}

}  // namespace ls::kernels::scalar
