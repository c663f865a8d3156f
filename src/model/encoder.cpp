#include "model/encoder.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/fp16.h"
#include "kernels/kernels.h"

namespace ls::model {
namespace {

using kernels::fp16_to_fp32;
using kernels::fp32_to_fp16;

float gelu_tanh(float x) {
  constexpr float kA = 0.044715f;
  constexpr float kSqrt2OverPi = 0.79788456080286535587989211986876f;
  return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * x * (1.0f + kA * x * x)));
}

struct GeluTable {
  std::vector<uint16_t> v;
  GeluTable() : v(65536) {
    for (uint32_t i = 0; i < 65536; ++i) v[i] = fp32_to_fp16(gelu_tanh(fp16_to_fp32(static_cast<uint16_t>(i))));
  }
};

float dot_f32(int64_t n, const float* a, const float* b) {
  static const kernels::VecDotFn f = kernels::kernels(gguf::GgmlType::F32)->vec_dot;
  return f(n, a, b);
}

void add_bias(float* y, const Vector& b, int64_t rows) {
  for (int64_t t = 0; t < rows; ++t) {
    float* r = y + t * b.n;
    for (int64_t i = 0; i < b.n; ++i) r[i] += b.data[i];
  }
}

template <class F>
void run_tasks(ThreadPool* pool, int n, F&& f) {
  if (pool != nullptr) {
    pool->parallel_for(n, f);
  } else {
    for (int i = 0; i < n; ++i) f(i, 0);
  }
}

}  // namespace

float gelu_ggml(float x) {
  static const GeluTable table;
  if (x <= -10.0f) return 0.0f;
  if (x >= 10.0f) return x;
  return fp16_to_fp32(table.v[fp32_to_fp16(x)]);
}

void layer_norm(const float* x, const float* w, const float* b, int64_t n, float eps, float* y) {
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i]);
  const float mean = static_cast<float>(sum / static_cast<double>(n));
  double sum2 = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const float d = x[i] - mean;
    y[i] = d;
    sum2 += static_cast<double>(d * d);
  }
  const float scale = 1.0f / std::sqrt(static_cast<float>(sum2 / static_cast<double>(n)) + eps);
  for (int64_t i = 0; i < n; ++i) y[i] = (y[i] * scale) * w[i] + b[i];
}

Encoder::Encoder(std::shared_ptr<const EncoderModel> m, ThreadPool* pool) : model_(std::move(m)) { lin_.pool = pool; }

void Encoder::embed_inputs(std::span<const std::vector<int32_t>> seqs) {
  const EncoderHParams& hp = model_->hparams();
  const EncoderWeights& w = model_->weights();
  const int64_t e = hp.n_embd;
  std::vector<float> type0(static_cast<size_t>(e)), pos(static_cast<size_t>(e));
  matrix_row(w.token_types, 0, type0.data());  // llama.cpp gives every token type 0
  for (size_t s = 0; s < seqs.size(); ++s) {
    for (size_t i = 0; i < seqs[s].size(); ++i) {
      float* row = x_.data() + (starts_[s] + static_cast<int64_t>(i)) * e;
      matrix_row(w.token_embd, seqs[s][i], row);
      matrix_row(w.position_embd, static_cast<int64_t>(i), pos.data());
      for (int64_t c = 0; c < e; ++c) row[c] = pos[static_cast<size_t>(c)] + (row[c] + type0[static_cast<size_t>(c)]);
      layer_norm(row, w.embd_norm_w.data, w.embd_norm_b.data, e, hp.norm_eps, row);
    }
  }
}

void Encoder::attention(std::span<const std::vector<int32_t>> seqs) {
  const EncoderHParams& hp = model_->hparams();
  const int64_t e = hp.n_embd, hd = hp.head_dim();
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  size_t max_len = 0;
  for (const auto& s : seqs) max_len = std::max(max_len, s.size());
  const int n_threads = lin_.pool != nullptr ? lin_.pool->size() : 1;
  scores_.resize(max_len * static_cast<size_t>(n_threads));
  // Tasks are (sequence, head, block of query rows), so one long sequence still spreads.
  constexpr int64_t kRowsPerTask = 32;
  struct Task { int64_t seq, head, row0; };
  std::vector<Task> tasks;
  for (size_t s = 0; s < seqs.size(); ++s) {
    const auto len = static_cast<int64_t>(seqs[s].size());
    for (int64_t h = 0; h < hp.n_head; ++h) {
      for (int64_t r = 0; r < len; r += kRowsPerTask) tasks.push_back({static_cast<int64_t>(s), h, r});
    }
  }
  run_tasks(lin_.pool, static_cast<int>(tasks.size()), [&](int ti, int thread) {
    const Task& t = tasks[static_cast<size_t>(ti)];
    const int64_t len = static_cast<int64_t>(seqs[static_cast<size_t>(t.seq)].size());
    const int64_t base = starts_[static_cast<size_t>(t.seq)];
    float* sc = scores_.data() + static_cast<size_t>(thread) * max_len;
    for (int64_t i = t.row0; i < std::min(len, t.row0 + kRowsPerTask); ++i) {
      const float* q = q_.data() + (base + i) * e + t.head * hd;
      float max = -std::numeric_limits<float>::infinity();
      for (int64_t j = 0; j < len; ++j) {
        sc[j] = dot_f32(hd, k_.data() + (base + j) * e + t.head * hd, q) * scale;
        max = std::max(max, sc[j]);
      }
      double sum = 0.0;
      for (int64_t j = 0; j < len; ++j) {
        sc[j] = std::exp(sc[j] - max);
        sum += static_cast<double>(sc[j]);
      }
      const float inv = static_cast<float>(1.0 / sum);
      float* out = attn_.data() + (base + i) * e + t.head * hd;
      std::fill(out, out + hd, 0.0f);
      for (int64_t j = 0; j < len; ++j) {
        const float p = sc[j] * inv;
        const float* v = v_.data() + (base + j) * e + t.head * hd;
        for (int64_t c = 0; c < hd; ++c) out[c] += p * v[c];
      }
    }
  });
}

void Encoder::layer(const EncoderLayer& L, std::span<const std::vector<int32_t>> seqs) {
  const EncoderHParams& hp = model_->hparams();
  const int64_t e = hp.n_embd, n = n_rows_;
  linear(L.wq, x_.data(), n, q_.data(), lin_);
  add_bias(q_.data(), L.bq, n);
  linear(L.wk, x_.data(), n, k_.data(), lin_);
  add_bias(k_.data(), L.bk, n);
  linear(L.wv, x_.data(), n, v_.data(), lin_);
  add_bias(v_.data(), L.bv, n);
  attention(seqs);
  linear(L.wo, attn_.data(), n, tmp_.data(), lin_);
  add_bias(tmp_.data(), L.bo, n);
  for (int64_t t = 0; t < n; ++t) {
    float* r = tmp_.data() + t * e;
    const float* in = x_.data() + t * e;
    for (int64_t c = 0; c < e; ++c) r[c] += in[c];
    layer_norm(r, L.attn_norm_w.data, L.attn_norm_b.data, e, hp.norm_eps, x_.data() + t * e);
  }
  linear(L.ffn_up, x_.data(), n, ff_.data(), lin_);
  add_bias(ff_.data(), L.ffn_up_b, n);
  for (float& f : ff_) f = gelu_ggml(f);
  linear(L.ffn_down, ff_.data(), n, tmp_.data(), lin_);
  add_bias(tmp_.data(), L.ffn_down_b, n);
  for (int64_t t = 0; t < n; ++t) {
    float* r = tmp_.data() + t * e;
    const float* in = x_.data() + t * e;
    for (int64_t c = 0; c < e; ++c) r[c] += in[c];
    layer_norm(r, L.out_norm_w.data, L.out_norm_b.data, e, hp.norm_eps, x_.data() + t * e);
  }
}

Result<std::span<const float>> Encoder::forward(std::span<const std::vector<int32_t>> seqs) {
  const EncoderHParams& hp = model_->hparams();
  if (seqs.empty()) return Error::invalid("no sequences to encode");
  starts_.assign(seqs.size(), 0);
  int64_t rows = 0;
  for (size_t s = 0; s < seqs.size(); ++s) {
    const auto& seq = seqs[s];
    if (seq.empty()) return Error::invalid("sequence " + std::to_string(s) + " has no tokens");
    if (seq.size() > static_cast<size_t>(hp.n_ctx_train)) {
      return Error::limit("sequence " + std::to_string(s) + " has " + std::to_string(seq.size()) +
                          " tokens but the model takes at most " + std::to_string(hp.n_ctx_train));
    }
    for (int32_t id : seq) {
      if (id < 0 || id >= hp.n_vocab) {
        return Error::invalid("token id " + std::to_string(id) + " is outside the vocabulary (0.." +
                              std::to_string(hp.n_vocab - 1) + ")");
      }
    }
    starts_[s] = rows;
    rows += static_cast<int64_t>(seq.size());
  }
  n_rows_ = rows;
  const auto r = static_cast<size_t>(rows);
  const auto e = static_cast<size_t>(hp.n_embd);
  x_.resize(r * e);
  q_.resize(r * e);
  k_.resize(r * e);
  v_.resize(r * e);
  attn_.resize(r * e);
  tmp_.resize(r * e);
  ff_.resize(r * static_cast<size_t>(hp.n_ff));
  lin_.scratch.reserve(linear_scratch_bytes(std::max(hp.n_embd, hp.n_ff), rows));
  embed_inputs(seqs);
  for (const EncoderLayer& L : model_->weights().layers) layer(L, seqs);
  return std::span<const float>(x_.data(), r * e);
}

std::vector<std::vector<float>> Encoder::rank_head(std::span<const std::vector<int32_t>> seqs) {
  const EncoderHParams& hp = model_->hparams();
  const EncoderWeights& w = model_->weights();
  const int64_t e = hp.n_embd, n = static_cast<int64_t>(seqs.size());
  std::vector<float> cls(static_cast<size_t>(n * e)), hidden(static_cast<size_t>(n * e));
  for (int64_t s = 0; s < n; ++s) {
    std::copy_n(x_.data() + starts_[static_cast<size_t>(s)] * e, e, cls.data() + s * e);
  }
  const float* in = cls.data();
  if (w.cls.present()) {
    linear(w.cls, cls.data(), n, hidden.data(), lin_);
    add_bias(hidden.data(), w.cls_b, n);
    for (float& f : hidden) f = std::tanh(f);
    in = hidden.data();
  }
  std::vector<float> out(static_cast<size_t>(n * hp.n_cls_out));
  linear(w.cls_out, in, n, out.data(), lin_);
  if (w.cls_out_b.present()) add_bias(out.data(), w.cls_out_b, n);
  std::vector<std::vector<float>> res(static_cast<size_t>(n));
  for (int64_t s = 0; s < n; ++s) res[static_cast<size_t>(s)].assign(out.begin() + s * hp.n_cls_out, out.begin() + (s + 1) * hp.n_cls_out);
  return res;
}

Result<std::vector<std::vector<float>>> Encoder::pooled(std::span<const std::vector<int32_t>> seqs, Pooling p) {
  const EncoderHParams& hp = model_->hparams();
  if (p == Pooling::kNone) return Error::invalid("pooling 'none' gives per-token vectors, not one per text");
  if (p == Pooling::kRank && hp.n_cls_out == 0) {
    return Error::invalid(model_->file().path() + ": pooling 'rank' needs a classification head, which this model lacks");
  }
  LS_ASSIGN_OR_RETURN(std::span<const float> h, forward(seqs));
  if (p == Pooling::kRank) return rank_head(seqs);
  const int64_t e = hp.n_embd;
  std::vector<std::vector<float>> out(seqs.size(), std::vector<float>(static_cast<size_t>(e)));
  for (size_t s = 0; s < seqs.size(); ++s) {
    pool_rows(p, h.data() + starts_[s] * e, static_cast<int64_t>(seqs[s].size()), e, out[s].data());
  }
  return out;
}

}  // namespace ls::model
