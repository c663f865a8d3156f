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

// ---------------------------------------------------------------- ggml's float order
// The dot products in the float order of the llama.cpp CPU build the parity goldens come from
// (x86, AVX2 code in its AVX-512 variant; see kernels/ggml_order.h). The integer parts are exact;
// only where the float scales are applied differs from the functions above.

namespace {
// ggml's AVX2 K dot products keep eight int32 lanes per super-block: lane l holds the values e
// with (e % 32) / 4 == l (4 consecutive bytes of every 32-byte chunk).
inline int lane_of(int e) { return (e % 32) / 4; }
// hsum_float_8: upper half + lower half, then (0 + 2) + (1 + 3).
inline float hsum8(const float a[8]) { return ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7])); }

// The repacked types (Q2_K, Q4_K as q*_K_8x8): per part of a super-block the exact integer sums
// of scale * dot and of min * bsum, each scaled with one FMA into its own accumulator; the result
// is their difference. `parts` = 1 (GEMV: one token, or the tail of a batch) or the GEMM's
// granularity (2 halves for Q2_K, 4 x 64 values for Q4_K).
template <class Block, int kGroups, void (*kSums)(const Block&, const BlockQ8_K&, int*, int*)>
float dot_repacked(int64_t n, const void* w, const void* a, int parts) {
  const auto* x = static_cast<const Block*>(w);
  const auto* y = static_cast<const BlockQ8_K*>(a);
  float acc = 0, accm = 0;
  for (int64_t i = 0; i < n / kQK_K; ++i) {
    int isum[kGroups], msum[kGroups];
    kSums(x[i], y[i], isum, msum);
    const float d = fp16_to_fp32(x[i].d) * y[i].d;
    const float dmin = fp16_to_fp32(x[i].dmin) * y[i].d;
    const int per = kGroups / parts;
    for (int p = 0; p < parts; ++p) {
      int is = 0, ms = 0;
      for (int g = p * per; g < (p + 1) * per; ++g) {
        is += isum[g];
        ms += msum[g];
      }
      acc = std::fma(static_cast<float>(is), d, acc);
      accm = std::fma(static_cast<float>(ms), dmin, accm);
    }
  }
  return acc - accm;
}

// Q2_K sums per half super-block (128 values).
void q2k_sums(const BlockQ2_K& x, const BlockQ8_K& y, int* isum, int* msum) {
  int8_t q[kQK_K];
  unpack_q2_k(x, q);
  for (int h = 0; h < 2; ++h) isum[h] = msum[h] = 0;
  for (int j = 0; j < 16; ++j) {
    isum[j / 8] += (x.scales[j] & 0xF) * sub_dot(q + 16 * j, y.qs + 16 * j, 16);
    msum[j / 8] += y.bsums[j] * (x.scales[j] >> 4);
  }
}

// Q4_K sums per 64 values (two 32-value sub-blocks).
void q4k_sums(const BlockQ4_K& x, const BlockQ8_K& y, int* isum, int* msum) {
  int8_t q[kQK_K];
  unpack_q4_k(x, q);
  for (int p = 0; p < 4; ++p) isum[p] = msum[p] = 0;
  for (int j = 0; j < 8; ++j) {
    uint8_t sc, m;
    k4_scale_min(j, x.scales, &sc, &m);
    isum[j / 2] += sc * sub_dot(q + 32 * j, y.qs + 32 * j, 32);
    msum[j / 2] += m * (y.bsums[2 * j] + y.bsums[2 * j + 1]);
  }
}
}  // namespace

float vec_dot_q2_k_ggml(int64_t n, const void* w, const void* a) { return dot_repacked<BlockQ2_K, 2, q2k_sums>(n, w, a, 1); }
float vec_dot_q2_k_ggml_grouped(int64_t n, const void* w, const void* a) {
  return dot_repacked<BlockQ2_K, 2, q2k_sums>(n, w, a, 2);
}
float vec_dot_q4_k_ggml(int64_t n, const void* w, const void* a) { return dot_repacked<BlockQ4_K, 4, q4k_sums>(n, w, a, 1); }
float vec_dot_q4_k_ggml_grouped(int64_t n, const void* w, const void* a) {
  return dot_repacked<BlockQ4_K, 4, q4k_sums>(n, w, a, 4);
}

float vec_dot_q3_k_ggml(int64_t n, const void* w, const void* a) {
  const auto* x = static_cast<const BlockQ3_K*>(w);
  const auto* y = static_cast<const BlockQ8_K*>(a);
  int8_t q[kQK_K], sc[16];
  float acc[8] = {};
  for (int64_t i = 0; i < n / kQK_K; ++i) {
    unpack_q3_k(x[i], q);
    q3k_scales(x[i].scales, sc);
    int lane[8] = {};
    for (int e = 0; e < kQK_K; ++e) lane[lane_of(e)] += sc[e / 16] * q[e] * y[i].qs[e];
    const float d = y[i].d * fp16_to_fp32(x[i].d);
    for (int l = 0; l < 8; ++l) acc[l] = std::fma(d, static_cast<float>(lane[l]), acc[l]);
  }
  return hsum8(acc);
}

// Q5_K: the lanes as above; the mins term (-d_a * dmin_w) * sum(m * bsums) accumulates apart
// (one FMA per super-block) and joins after the lane reduction.
float vec_dot_q5_k_ggml(int64_t n, const void* w, const void* a) {
  const auto* x = static_cast<const BlockQ5_K*>(w);
  const auto* y = static_cast<const BlockQ8_K*>(a);
  int8_t q[kQK_K];
  float acc[8] = {};
  float summs = 0;
  for (int64_t i = 0; i < n / kQK_K; ++i) {
    unpack_q5_k(x[i], q);
    int lane[8] = {};
    int mins = 0;
    for (int j = 0; j < 8; ++j) {
      uint8_t sc, m;
      k4_scale_min(j, x[i].scales, &sc, &m);
      for (int l = 0; l < 32; ++l) lane[lane_of(32 * j + l)] += sc * q[32 * j + l] * y[i].qs[32 * j + l];
      mins += m * (y[i].bsums[2 * j] + y[i].bsums[2 * j + 1]);
    }
    const float d = y[i].d * fp16_to_fp32(x[i].d);
    const float dmin = -y[i].d * fp16_to_fp32(x[i].dmin);
    for (int l = 0; l < 8; ++l) acc[l] = std::fma(d, static_cast<float>(lane[l]), acc[l]);
    summs = std::fma(dmin, static_cast<float>(mins), summs);
  }
  return hsum8(acc) + summs;
}

// Q6_K: quants taken + 32 in the lanes; lane l subtracts 32 * (bsums[2l] * sc[2l] + bsums[2l+1] *
// sc[2l+1]) (values 32l .. 32l+31, not the lane's own values: ggml's layout, kept exactly).
float vec_dot_q6_k_ggml(int64_t n, const void* w, const void* a) {
  const auto* x = static_cast<const BlockQ6_K*>(w);
  const auto* y = static_cast<const BlockQ8_K*>(a);
  int8_t q[kQK_K];
  float acc[8] = {};
  for (int64_t i = 0; i < n / kQK_K; ++i) {
    unpack_q6_k(x[i], q);
    int lane[8] = {};
    for (int e = 0; e < kQK_K; ++e) lane[lane_of(e)] += x[i].scales[e / 16] * (q[e] + 32) * y[i].qs[e];
    for (int l = 0; l < 8; ++l) {
      lane[l] -= 32 * (y[i].bsums[2 * l] * x[i].scales[2 * l] + y[i].bsums[2 * l + 1] * x[i].scales[2 * l + 1]);
    }
    const float d = y[i].d * fp16_to_fp32(x[i].d);
    for (int l = 0; l < 8; ++l) acc[l] = std::fma(d, static_cast<float>(lane[l]), acc[l]);
  }
  return hsum8(acc);
}

}  // namespace ls::kernels::scalar
