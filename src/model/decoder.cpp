#include "model/decoder.h"

#include "model/attention.h"
#include "model/linear.h"
#include "model/ops.h"
#include "model/rope.h"

namespace ls::model {
namespace {

RopeParams rope_params(const Model& m) {
  const HParams& hp = m.hparams();
  RopeParams p;
  p.n_rot = hp.n_rot;
  p.base = hp.rope_base;
  p.freq_scale = hp.rope_freq_scale;
  p.freq_factors = m.weights().rope_freqs.data;
  p.style = hp.rope_style;
  return p;
}

void norm_rows(const float* x, const Vector& w, int64_t rows, int64_t n, float eps, float* out) {
  for (int64_t t = 0; t < rows; ++t) rms_norm(x + t * n, w.data, n, eps, out + t * n);
}

void add_bias_rows(float* y, const Vector& b, int64_t rows) {
  if (!b.present()) return;
  for (int64_t t = 0; t < rows; ++t) add_inplace(y + t * b.n, b.data, b.n);
}

void attention_block(const Model& m, const LayerWeights& L, int il, KvCache& cache, Scratch& s,
                     const RopeParams& rp, int64_t n, int64_t pos0) {
  const HParams& hp = m.hparams();
  const int64_t qd = hp.q_dim(), kd = hp.kv_dim_k(), vd = hp.kv_dim_v(), od = int64_t{hp.n_head} * hp.head_dim_v;
  norm_rows(s.x.data(), L.attn_norm, n, hp.n_embd, hp.rms_eps, s.xn.data());
  linear(L.wq, s.xn.data(), n, s.q.data(), s.lin);
  linear(L.wk, s.xn.data(), n, s.k.data(), s.lin);
  linear(L.wv, s.xn.data(), n, s.v.data(), s.lin);
  add_bias_rows(s.q.data(), L.bq, n);
  add_bias_rows(s.k.data(), L.bk, n);
  add_bias_rows(s.v.data(), L.bv, n);
  for (int64_t t = 0; t < n; ++t) {
    float* q = s.q.data() + t * qd;
    float* k = s.k.data() + t * kd;
    if (L.q_norm.present()) {
      for (int h = 0; h < hp.n_head; ++h) rms_norm(q + h * hp.head_dim_k, L.q_norm.data, hp.head_dim_k, hp.rms_eps, q + h * hp.head_dim_k);
      for (int h = 0; h < hp.n_head_kv; ++h) rms_norm(k + h * hp.head_dim_k, L.k_norm.data, hp.head_dim_k, hp.rms_eps, k + h * hp.head_dim_k);
    }
    const float* table = s.rope.data() + t * hp.n_rot;
    rope_apply(rp, table, q, hp.n_head, hp.head_dim_k);
    rope_apply(rp, table, k, hp.n_head_kv, hp.head_dim_k);
    cache.store(il, pos0 + t, k, s.v.data() + t * vd);
  }
  const AttentionDims dims = attention_dims(hp);
  const AttentionPath path = attention_path(dims, cache.type(), n);
  auto task = [&](int i, int thread) {
    const int64_t t = i / hp.n_head;
    const int h = i % hp.n_head;
    attend_head(dims, path, cache, il, h, s.q.data() + t * qd + int64_t{h} * hp.head_dim_k, pos0 + t,
                s.attn.data() + t * od + int64_t{h} * hp.head_dim_v,
                s.attn_work.data() + thread * s.attn_work_per_thread);
  };
  const int n_tasks = static_cast<int>(n) * hp.n_head;
  if (s.lin.pool != nullptr) {
    s.lin.pool->parallel_for(n_tasks, task);
  } else {
    for (int i = 0; i < n_tasks; ++i) task(i, 0);
  }
  // The output projection reuses xn, then joins the residual stream.
  linear(L.wo, s.attn.data(), n, s.xn.data(), s.lin);
  add_inplace(s.x.data(), s.xn.data(), n * hp.n_embd);
}

void ffn_block(const Model& m, const LayerWeights& L, Scratch& s, int64_t n) {
  const HParams& hp = m.hparams();
  norm_rows(s.x.data(), L.ffn_norm, n, hp.n_embd, hp.rms_eps, s.xn.data());
  linear(L.ffn_gate, s.xn.data(), n, s.gate.data(), s.lin);
  linear(L.ffn_up, s.xn.data(), n, s.up.data(), s.lin);
  swiglu(s.gate.data(), s.up.data(), n * hp.n_ff, s.gate.data());
  linear(L.ffn_down, s.gate.data(), n, s.xn.data(), s.lin);
  add_inplace(s.x.data(), s.xn.data(), n * hp.n_embd);
}

}  // namespace

void decode_batch(const Model& m, KvCache& cache, Scratch& s, const int32_t* tokens, int64_t n,
                  int64_t pos0) {
  const HParams& hp = m.hparams();
  const ModelWeights& w = m.weights();
  for (int64_t t = 0; t < n; ++t) matrix_row(w.token_embd, tokens[t], s.x.data() + t * hp.n_embd);
  const RopeParams rp = rope_params(m);
  rope_table(rp, pos0, n, s.rope.data());
  for (int il = 0; il < hp.n_layer; ++il) {
    const LayerWeights& L = w.layers[static_cast<size_t>(il)];
    attention_block(m, L, il, cache, s, rp, n, pos0);
    ffn_block(m, L, s, n);
  }
}

void output_logits(const Model& m, Scratch& s, float* hidden, int64_t rows, float* logits) {
  const HParams& hp = m.hparams();
  norm_rows(hidden, m.weights().output_norm, rows, hp.n_embd, hp.rms_eps, hidden);
  linear(m.weights().output, hidden, rows, logits, s.lin);
}

}  // namespace ls::model
