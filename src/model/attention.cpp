#include "model/attention.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "model/half.h"

namespace ls::model {

int64_t attention_scratch_floats(const AttentionDims& d, int n_ctx) {
  // F32 path: one score per position; F16 path: Q and the accumulator as halves.
  return std::max<int64_t>(n_ctx, d.head_dim_k + d.head_dim_v);
}

namespace {

void attend_f32(const AttentionDims& d, const KvCache& c, int il, int kvh, const float* q,
                int64_t pos, float* out, float* scores) {
  float max = -std::numeric_limits<float>::infinity();
  for (int64_t j = 0; j <= pos; ++j) {
    const float* k = reinterpret_cast<const float*>(c.k_row(il, j)) + kvh * d.head_dim_k;
    float s = 0.0f;
    for (int i = 0; i < d.head_dim_k; ++i) s += q[i] * k[i];
    scores[j] = s * d.scale;
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

void attend_f16(const AttentionDims& d, const KvCache& c, int il, int kvh, const float* q,
                int64_t pos, float* out, float* scratch) {
  auto* qh = reinterpret_cast<uint16_t*>(scratch);
  uint16_t* acc = qh + d.head_dim_k;
  for (int i = 0; i < d.head_dim_k; ++i) qh[i] = f32_to_f16(q[i]);
  std::fill(acc, acc + d.head_dim_v, uint16_t{0});
  float sum = 0.0f;
  float max = -std::numeric_limits<float>::infinity();
  for (int64_t j = 0; j <= pos; ++j) {
    const auto* k = reinterpret_cast<const uint16_t*>(c.k_row(il, j)) + kvh * d.head_dim_k;
    float s = 0.0f;
    for (int i = 0; i < d.head_dim_k; ++i) s += f16_to_f32(k[i]) * f16_to_f32(qh[i]);
    s *= d.scale;
    float ms = 1.0f;  // rescales what was accumulated when a new maximum appears
    float vs = 1.0f;  // weight of this position: exp(s - max)
    if (s > max) {
      ms = std::exp(max - s);
      max = s;
      for (int i = 0; i < d.head_dim_v; ++i) acc[i] = f32_to_f16(f16_to_f32(acc[i]) * ms);
    } else {
      vs = std::exp(s - max);
    }
    const auto* v = reinterpret_cast<const uint16_t*>(c.v_row(il, j)) + kvh * d.head_dim_v;
    for (int i = 0; i < d.head_dim_v; ++i) {
      acc[i] = f32_to_f16(std::fma(f16_to_f32(v[i]), vs, f16_to_f32(acc[i])));
    }
    sum = sum * ms + vs;
  }
  const float inv = sum == 0.0f ? 0.0f : 1.0f / sum;
  for (int i = 0; i < d.head_dim_v; ++i) out[i] = f16_to_f32(acc[i]) * inv;
}

}  // namespace

void attend_head(const AttentionDims& d, const KvCache& cache, int il, int h, const float* q,
                 int64_t pos, float* out, float* scratch) {
  const int kvh = h / (d.n_head / d.n_head_kv);
  if (cache.type() == KvType::kF32) {
    attend_f32(d, cache, il, kvh, q, pos, out, scratch);
  } else {
    attend_f16(d, cache, il, kvh, q, pos, out, scratch);
  }
}

}  // namespace ls::model
