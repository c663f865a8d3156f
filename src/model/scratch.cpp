#include "model/scratch.h"

#include <algorithm>
#include <cmath>

#include "model/linear.h"

namespace ls::model {
namespace {

struct Sizes {
  size_t floats = 0;
  size_t attn_work = 0;
  size_t linear_bytes = 0;
};

Sizes sizes(const HParams& hp, int n_batch, int n_ctx, int n_threads) {
  const size_t b = static_cast<size_t>(n_batch);
  Sizes s;
  s.floats = b * (2 * hp.n_embd + hp.q_dim() + hp.kv_dim_k() + hp.kv_dim_v() +
                  static_cast<size_t>(hp.n_head) * hp.head_dim_v + 2 * static_cast<size_t>(hp.n_ff) + hp.n_rot);
  s.attn_work = static_cast<size_t>(attention_scratch_floats(attention_dims(hp), n_ctx)) * n_threads;
  const int64_t max_cols = std::max({hp.n_embd, hp.n_ff, hp.n_head * hp.head_dim_v});
  s.linear_bytes = linear_scratch_bytes(max_cols, n_batch);
  return s;
}

}  // namespace

AttentionDims attention_dims(const HParams& hp) {
  AttentionDims d;
  d.n_head = hp.n_head;
  d.n_head_kv = hp.n_head_kv;
  d.head_dim_k = hp.head_dim_k;
  d.head_dim_v = hp.head_dim_v;
  d.scale = 1.0f / std::sqrt(static_cast<float>(hp.head_dim_k));
  return d;
}

size_t Scratch::bytes_for(const HParams& hp, int n_batch, int n_ctx, int n_threads) {
  const Sizes s = sizes(hp, n_batch, n_ctx, n_threads);
  return (s.floats + s.attn_work) * sizeof(float) + s.linear_bytes;
}

void Scratch::allocate(const HParams& hp, int nb, int n_ctx, ThreadPool* pool) {
  lin.pool = pool;
  n_batch = nb;
  const size_t b = static_cast<size_t>(nb);
  x.resize(b * hp.n_embd);
  xn.resize(b * hp.n_embd);
  q.resize(b * hp.q_dim());
  k.resize(b * hp.kv_dim_k());
  v.resize(b * hp.kv_dim_v());
  attn.resize(b * hp.n_head * hp.head_dim_v);
  gate.resize(b * hp.n_ff);
  up.resize(b * hp.n_ff);
  rope.resize(b * hp.n_rot);
  const Sizes s = sizes(hp, nb, n_ctx, n_threads());
  attn_work_per_thread = attention_scratch_floats(attention_dims(hp), n_ctx);
  attn_work.resize(s.attn_work);
  lin.scratch.reserve(s.linear_bytes);
  rows.reserve(b);
  groups.reserve(b);
}

}  // namespace ls::model
