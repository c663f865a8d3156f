#include "model/attention.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/fp16.h"
#include "kernels/kernels.h"
#include "kernels/activation_rows.h"
#include "kernels/attention_rows.h"

namespace ls::model {

using kernels::fp16_to_fp32;
using kernels::fp32_to_fp16;

AttentionPath attention_path(const AttentionDims& d, KvType kv, int64_t n_tokens, bool ggml_order) {
  if (kv == KvType::kF32) return AttentionPath::kExact;
  if (kv == KvType::kQ8_0) return AttentionPath::kFlashVecQ8;
  const bool tileable = d.head_dim_k % 16 == 0 && d.head_dim_v % 16 == 0;
  if (n_tokens < kFlashTileRows || !tileable) return AttentionPath::kFlashVec;
  return ggml_order ? AttentionPath::kFlashTiledGgml : AttentionPath::kFlashTiled;
}

namespace {
constexpr int kGgmlKeyTile = 64;  // GGML_FA_TILE_KV
}

int64_t attention_scratch_floats(const AttentionDims& d, int n_ctx) {
  // kExact: one score per position; flash paths: Q (floats at most) and accumulator, plus one
  // dequantised V row for Q8_0; kFlashTiledGgml: one key tile's scores and the accumulator.
  return std::max<int64_t>({n_ctx, d.head_dim_k + 2 * int64_t{d.head_dim_v}, kGgmlKeyTile + int64_t{d.head_dim_v}});
}

namespace {

// ggml's own row dot products (SIMD), so that scores round as llama.cpp's do.
// (Looked up on first use: the kernel table is chosen at run time.)
float dot_f32(int64_t n, const void* a, const void* b) {
  static const kernels::VecDotFn f = kernels::kernels(gguf::GgmlType::F32)->vec_dot;
  return f(n, a, b);
}

void attend_exact(const AttentionDims& d, const KvView& c, int il, int kvh, const float* q,
                  int64_t pos, float* out, float* scores) {
  float max = -std::numeric_limits<float>::infinity();
  for (int64_t j = 0; j <= pos; ++j) {
    const float* k = reinterpret_cast<const float*>(c.k_row(il, j)) + kvh * d.head_dim_k;
    scores[j] = dot_f32(d.head_dim_k, k, q) * d.scale;
    max = std::max(max, scores[j]);
  }
  double sum = 0.0;
  for (int64_t j = 0; j <= pos; ++j) {
    scores[j] = std::exp(scores[j] - max);
    sum += static_cast<double>(scores[j]);
  }
  const float inv = static_cast<float>(1.0 / sum);
  std::fill(out, out + d.head_dim_v, 0.0f);
  for (int64_t j = 0; j <= pos; ++j) {
    const float p = scores[j] * inv;
    const float* v = reinterpret_cast<const float*>(c.v_row(il, j)) + kvh * d.head_dim_v;
    for (int i = 0; i < d.head_dim_v; ++i) out[i] += p * v[i];
  }
}

// Online softmax over F16 K/V. `Acc` is the accumulator element: uint16_t (F16, vec path) or
// float (tiled path); `QT` likewise for the query.
template <class QT, class Acc>
void attend_flash(const AttentionDims& d, const KvView& c, int il, int kvh, const float* q,
                  int64_t pos, float* out, float* scratch) {
  constexpr bool kHalfQ = sizeof(QT) == 2;
  constexpr bool kHalfAcc = sizeof(Acc) == 2;
  QT* qc = reinterpret_cast<QT*>(scratch);
  Acc* acc = reinterpret_cast<Acc*>(scratch + d.head_dim_k);
  for (int i = 0; i < d.head_dim_k; ++i) {
    if constexpr (kHalfQ) qc[i] = fp32_to_fp16(q[i]); else qc[i] = q[i];
  }
  std::fill(acc, acc + d.head_dim_v, Acc{0});
  auto load = [](Acc x) { if constexpr (kHalfAcc) return fp16_to_fp32(x); else return x; };
  const kernels::AttentionRowKernels& ops = kernels::attention_rows();
  float sum = 0.0f;
  float max = -std::numeric_limits<float>::infinity();
  for (int64_t j = 0; j <= pos; ++j) {
    const auto* k = reinterpret_cast<const uint16_t*>(c.k_row(il, j)) + kvh * d.head_dim_k;
    float s = 0.0f;
    if constexpr (kHalfQ) {
      s = ops.dot_f16(d.head_dim_k, k, qc);
    } else {
      s = ops.dot_f32_f16(d.head_dim_k, qc, k);
    }
    s *= d.scale;
    float ms = 1.0f;  // rescales what was accumulated when a new maximum appears
    float vs = 1.0f;  // weight of this position: exp(s - max)
    if (s > max) {
      ms = std::exp(max - s);
      max = s;
      if constexpr (kHalfAcc) ops.scale_f16(d.head_dim_v, acc, ms); else ops.scale_f32(d.head_dim_v, acc, ms);
    } else {
      vs = std::exp(s - max);
    }
    const auto* v = reinterpret_cast<const uint16_t*>(c.v_row(il, j)) + kvh * d.head_dim_v;
    if constexpr (kHalfAcc) ops.mad_f16(d.head_dim_v, acc, v, vs); else ops.mad_f32(d.head_dim_v, acc, v, vs);
    sum = sum * ms + vs;
  }
  const float inv = sum == 0.0f ? 0.0f : 1.0f / sum;
  for (int i = 0; i < d.head_dim_v; ++i) out[i] = load(acc[i]) * inv;
}

// Q8_0 K and V (llama.cpp requires flash attention for a quantised V cache): ggml's per-row path
// with an F32 accumulator; scores and V rows through the Q8_0 kernels.
void attend_flash_q8(const AttentionDims& d, const KvView& c, int il, int kvh, const float* q, int64_t pos,
                     float* out, float* scratch) {
  const kernels::TypeKernels& q8 = *kernels::kernels(gguf::GgmlType::Q8_0);
  const kernels::AttentionRowKernels& ops = kernels::attention_rows();
  float* acc = scratch;
  float* v32 = acc + d.head_dim_v;
  void* qq = v32 + d.head_dim_v;  // head_dim_k / 32 blocks: fewer bytes than head_dim_k floats
  q8.from_float(q, qq, d.head_dim_k);
  std::fill(acc, acc + d.head_dim_v, 0.0f);
  const size_t k_off = c.span_bytes(int64_t{kvh} * d.head_dim_k);
  const size_t v_off = c.span_bytes(int64_t{kvh} * d.head_dim_v);
  float sum = 0.0f;
  float max = -std::numeric_limits<float>::infinity();
  for (int64_t j = 0; j <= pos; ++j) {
    const float s = q8.vec_dot(d.head_dim_k, c.k_row(il, j) + k_off, qq) * d.scale;
    float ms = 1.0f;
    float vs = 1.0f;
    if (s > max) {
      ms = std::exp(max - s);
      max = s;
      ops.scale_f32(d.head_dim_v, acc, ms);
    } else {
      vs = std::exp(s - max);
    }
    q8.dequantize_row(c.v_row(il, j) + v_off, v32, d.head_dim_v);
    ops.mad_f32_f32(d.head_dim_v, acc, v32, vs);
    sum = sum * ms + vs;
  }
  const float inv = sum == 0.0f ? 0.0f : 1.0f / sum;
  for (int i = 0; i < d.head_dim_v; ++i) out[i] = acc[i] * inv;
}

// ggml_compute_forward_flash_attn_ext_tiled for one query row (its rows are independent: a key tile
// no row of the query tile sees is skipped, one this row does not see changes nothing for it).
// Per tile of 64 keys: scores s = fma-chain over the head dimension of f32(k) * q, times the scale,
// masked keys -inf; new maximum M' = fmax(M, tile max), then (if it grew) acc and S scaled by
// expf(M - M'); p = ggml_v_expf(s - M'); S += the tile's sum (four 16-lane reductions as
// _mm512_reduce_add_ps, added in double); acc += p * f32(v) as an fma chain over the tile's keys.
// Finally acc / S.
void attend_flash_tiled_ggml(const AttentionDims& d, const KvView& c, int il, int kvh, const float* q, int64_t pos,
                             float* out, float* scratch) {
  float* kq = scratch;
  float* acc = scratch + kGgmlKeyTile;
  std::fill(acc, acc + d.head_dim_v, 0.0f);
  float sum = 0.0f;
  float max = -std::numeric_limits<float>::infinity();
  for (int64_t ic = 0; ic <= pos; ic += kGgmlKeyTile) {
    const int live = static_cast<int>(std::min<int64_t>(kGgmlKeyTile, pos + 1 - ic));
    float tile_max = -std::numeric_limits<float>::infinity();
    for (int tk = 0; tk < kGgmlKeyTile; ++tk) {
      if (tk >= live) {
        kq[tk] = -std::numeric_limits<float>::infinity();
        continue;
      }
      const auto* k = reinterpret_cast<const uint16_t*>(c.k_row(il, ic + tk)) + kvh * d.head_dim_k;
      float s = 0.0f;
      for (int i = 0; i < d.head_dim_k; ++i) s = std::fma(fp16_to_fp32(k[i]), q[i], s);
      kq[tk] = s * d.scale;
      tile_max = kq[tk] > tile_max ? kq[tk] : tile_max;
    }
    const float new_max = std::fmax(max, tile_max);
    if (new_max > max) {
      const float ms = std::exp(max - new_max);
      for (int i = 0; i < d.head_dim_v; ++i) acc[i] *= ms;
      sum *= ms;
    }
    max = new_max;
    double tile_sum = 0.0;
    for (int c16 = 0; c16 < kGgmlKeyTile; c16 += 16) {
      float* p = kq + c16;
      for (int l = 0; l < 16; ++l) p[l] = kernels::expf_ggml(p[l] - new_max);
      float t8[8], t4[4];
      for (int l = 0; l < 8; ++l) t8[l] = p[l + 8] + p[l];
      for (int l = 0; l < 4; ++l) t4[l] = t8[l + 4] + t8[l];
      tile_sum += static_cast<double>((t4[0] + t4[2]) + (t4[1] + t4[3]));
    }
    sum = static_cast<float>(static_cast<double>(sum) + tile_sum);
    for (int tk = 0; tk < live; ++tk) {
      const auto* v = reinterpret_cast<const uint16_t*>(c.v_row(il, ic + tk)) + kvh * d.head_dim_v;
      for (int i = 0; i < d.head_dim_v; ++i) acc[i] = std::fma(fp16_to_fp32(v[i]), kq[tk], acc[i]);
    }
  }
  const float inv = sum == 0.0f ? 0.0f : 1.0f / sum;
  for (int i = 0; i < d.head_dim_v; ++i) out[i] = acc[i] * inv;
}

}  // namespace

void attend_head(const AttentionDims& d, AttentionPath path, const KvView& cache, int il, int h,
                 const float* q, int64_t pos, float* out, float* scratch) {
  const int kvh = h / (d.n_head / d.n_head_kv);
  switch (path) {
    case AttentionPath::kExact:
      attend_exact(d, cache, il, kvh, q, pos, out, scratch);
      break;
    case AttentionPath::kFlashVec:
      attend_flash<uint16_t, uint16_t>(d, cache, il, kvh, q, pos, out, scratch);
      break;
    case AttentionPath::kFlashTiled:
      attend_flash<float, float>(d, cache, il, kvh, q, pos, out, scratch);
      break;
    case AttentionPath::kFlashVecQ8:
      attend_flash_q8(d, cache, il, kvh, q, pos, out, scratch);
      break;
    case AttentionPath::kFlashTiledGgml:
      attend_flash_tiled_ggml(d, cache, il, kvh, q, pos, out, scratch);
      break;
  }
}

}  // namespace ls::model
