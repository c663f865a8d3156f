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

// y = W x over all rows of the step, one matmul per group (see decode_step).
void linear_step(const Matrix& w, const float* x, float* y, Scratch& s) {
  for (const Scratch::RowGroup& g : s.groups) {
    linear(w, x + g.row0 * w.cols, g.n, y + g.row0 * w.rows, s.lin, g.per_token);
  }
}

void attention_block(const Model& m, const LayerWeights& L, int il, std::span<const SeqTokens> segs,
                     Scratch& s, const RopeParams& rp, int64_t n) {
  const HParams& hp = m.hparams();
  const int64_t qd = hp.q_dim(), kd = hp.kv_dim_k(), vd = hp.kv_dim_v(), od = int64_t{hp.n_head} * hp.head_dim_v;
  norm_rows(s.x.data(), L.attn_norm, n, hp.n_embd, hp.rms_eps, s.xn.data());
  linear_step(L.wq, s.xn.data(), s.q.data(), s);
  linear_step(L.wk, s.xn.data(), s.k.data(), s);
  linear_step(L.wv, s.xn.data(), s.v.data(), s);
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
    const Scratch::RowSeq& r = s.rows[static_cast<size_t>(t)];
    segs[static_cast<size_t>(r.seg)].kv.store(il, r.pos, k, s.v.data() + t * vd);
  }
  const AttentionDims dims = attention_dims(hp);
  auto task = [&](int i, int thread) {
    const int64_t t = i / hp.n_head;
    const int h = i % hp.n_head;
    const Scratch::RowSeq& r = s.rows[static_cast<size_t>(t)];
    const SeqTokens& seg = segs[static_cast<size_t>(r.seg)];
    // The path follows the segment's own length, as for a one-sequence batch of it.
    const AttentionPath path = attention_path(dims, seg.kv.type(), seg.n, s.lin.ggml_order);
    attend_head(dims, path, seg.kv, il, h, s.q.data() + t * qd + int64_t{h} * hp.head_dim_k, r.pos,
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
  linear_step(L.wo, s.attn.data(), s.xn.data(), s);
  add_inplace(s.x.data(), s.xn.data(), n * hp.n_embd);
}

void ffn_block(const Model& m, const LayerWeights& L, Scratch& s, int64_t n) {
  const HParams& hp = m.hparams();
  norm_rows(s.x.data(), L.ffn_norm, n, hp.n_embd, hp.rms_eps, s.xn.data());
  linear_step(L.ffn_gate, s.xn.data(), s.gate.data(), s);
  linear_step(L.ffn_up, s.xn.data(), s.up.data(), s);
  swiglu(s.gate.data(), s.up.data(), n * hp.n_ff, s.gate.data());
  linear_step(L.ffn_down, s.gate.data(), s.xn.data(), s);
  add_inplace(s.x.data(), s.xn.data(), n * hp.n_embd);
}

// Rows of the step (which segment, which position) and the matmul groups.
int64_t plan_rows(std::span<const SeqTokens> segs, Scratch& s, bool shared_matmul) {
  s.rows.clear();
  s.groups.clear();
  for (size_t i = 0; i < segs.size(); ++i) {
    const SeqTokens& seg = segs[i];
    const int64_t row0 = static_cast<int64_t>(s.rows.size());
    for (int64_t t = 0; t < seg.n; ++t) s.rows.push_back({static_cast<int32_t>(i), seg.pos0 + t});
    const bool single = seg.n == 1;
    if (shared_matmul && !s.groups.empty()) {
      s.groups.back().n += seg.n;
    } else if (shared_matmul) {
      if (seg.n > 0) s.groups.push_back({row0, seg.n, false});
    } else if (single && !s.groups.empty() && s.groups.back().per_token) {
      s.groups.back().n += 1;
    } else if (seg.n > 0) {
      s.groups.push_back({row0, seg.n, single});
    }
  }
  return static_cast<int64_t>(s.rows.size());
}

}  // namespace

void decode_step(const Model& m, Scratch& s, std::span<const SeqTokens> segments, bool shared_matmul) {
  const HParams& hp = m.hparams();
  const ModelWeights& w = m.weights();
  const int64_t n = plan_rows(segments, s, shared_matmul);
  if (n == 0) return;
  RopeParams rp = rope_params(m);
  rp.fused = s.lin.ggml_order;
  int64_t row = 0;
  for (const SeqTokens& seg : segments) {
    for (int64_t t = 0; t < seg.n; ++t) matrix_row(w.token_embd, seg.tokens[t], s.x.data() + (row + t) * hp.n_embd);
    rope_table(rp, seg.pos0, seg.n, s.rope.data() + row * hp.n_rot);
    row += seg.n;
  }
  for (int il = 0; il < hp.n_layer; ++il) {
    const LayerWeights& L = w.layers[static_cast<size_t>(il)];
    attention_block(m, L, il, segments, s, rp, n);
    ffn_block(m, L, s, n);
  }
}

void decode_batch(const Model& m, KvCache& cache, Scratch& s, const int32_t* tokens, int64_t n,
                  int64_t pos0) {
  const SeqTokens seg{KvView(cache), tokens, n, pos0};
  decode_step(m, s, std::span<const SeqTokens>(&seg, 1));
}

void output_logits(const Model& m, Scratch& s, float* hidden, int64_t rows, float* logits, bool per_token) {
  const HParams& hp = m.hparams();
  norm_rows(hidden, m.weights().output_norm, rows, hp.n_embd, hp.rms_eps, hidden);
  linear(m.weights().output, hidden, rows, logits, s.lin, per_token);
}

}  // namespace ls::model
