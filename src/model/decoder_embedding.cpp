#include "model/decoder_embedding.h"

#include <algorithm>

#include "model/decoder.h"
#include "model/linear.h"
#include "model/ops.h"

namespace ls::model {

DecoderEmbedding::DecoderEmbedding(std::shared_ptr<const Model> m, ThreadPool* pool, int max_tokens)
    : model_(std::move(m)), pool_(pool) {
  const int train = model_->hparams().n_ctx_train;
  max_tokens_ = max_tokens > 0 ? std::min(max_tokens, train) : train;
}

Status DecoderEmbedding::ensure_capacity(int n_tokens) {
  if (n_tokens > max_tokens_) {
    return Error::limit("the input has " + std::to_string(n_tokens) + " tokens but at most " +
                        std::to_string(max_tokens_) + " fit this embedding model's context");
  }
  if (cache_ && cache_->n_ctx() >= n_tokens) return {};
  // Grow in steps of 256 positions so that a stream of slightly longer texts does not reallocate
  // every time.
  const int n_ctx = std::min(max_tokens_, (n_tokens + 255) / 256 * 256);
  const HParams& hp = model_->hparams();
  LS_ASSIGN_OR_RETURN(KvCache c, KvCache::create(hp, n_ctx, KvType::kF16));
  cache_.emplace(std::move(c));
  scratch_ = Scratch{};
  scratch_.allocate(hp, std::min(512, n_ctx), n_ctx, pool_);
  return {};
}

template <class F>
Status DecoderEmbedding::run(std::span<const int32_t> seq, F&& on_rows) {
  const HParams& hp = model_->hparams();
  if (seq.empty()) return Error::invalid("no tokens to embed");
  for (int32_t id : seq) {
    if (id < 0 || id >= hp.n_vocab) {
      return Error::invalid("token id " + std::to_string(id) + " is outside the vocabulary (0.." +
                            std::to_string(hp.n_vocab - 1) + ")");
    }
  }
  LS_TRY(ensure_capacity(static_cast<int>(std::min<size_t>(seq.size(), size_t{1} << 30))));
  const auto n_total = static_cast<int64_t>(seq.size());
  for (int64_t done = 0; done < n_total;) {
    const int64_t n = std::min<int64_t>(scratch_.n_batch, n_total - done);
    decode_batch(*model_, *cache_, scratch_, seq.data() + done, n, done);
    float* x = scratch_.x.data();
    for (int64_t t = 0; t < n; ++t) {
      rms_norm(x + t * hp.n_embd, model_->weights().output_norm.data, hp.n_embd, hp.rms_eps, x + t * hp.n_embd);
    }
    on_rows(done, n, x);
    done += n;
  }
  return {};
}

Result<std::vector<float>> DecoderEmbedding::pooled(std::span<const int32_t> seq, Pooling p) {
  if (p != Pooling::kMean && p != Pooling::kCls && p != Pooling::kLast) {
    return Error::invalid("pooling '" + std::string(pooling_name(p)) + "' does not give an embedding");
  }
  const int64_t e = model_->hparams().n_embd;
  const auto n_total = static_cast<int64_t>(seq.size());
  std::vector<float> out(static_cast<size_t>(e), 0.0f);
  const float inv = n_total > 0 ? 1.0f / static_cast<float>(n_total) : 0.0f;
  LS_TRY(run(seq, [&](int64_t first, int64_t n, const float* rows) {
    for (int64_t t = 0; t < n; ++t) {
      const float* r = rows + t * e;
      const int64_t pos = first + t;
      if (p == Pooling::kMean) {
        for (int64_t i = 0; i < e; ++i) out[static_cast<size_t>(i)] += r[i] * inv;
      } else if ((p == Pooling::kCls && pos == 0) || (p == Pooling::kLast && pos == n_total - 1)) {
        std::copy_n(r, e, out.data());
      }
    }
  }));
  return out;
}

Result<std::vector<float>> DecoderEmbedding::last_logits(std::span<const int32_t> seq,
                                                         std::span<const int32_t> vocab_rows) {
  const HParams& hp = model_->hparams();
  for (int32_t r : vocab_rows) {
    if (r < 0 || r >= hp.n_vocab) return Error::invalid("vocabulary row " + std::to_string(r) + " is out of range");
  }
  LS_ASSIGN_OR_RETURN(std::vector<float> h, pooled(seq, Pooling::kLast));
  const Matrix& out = model_->weights().output;
  std::vector<float> logits;
  for (int32_t r : vocab_rows) {
    Matrix row = out;
    row.data = out.row(r);
    row.rows = 1;
    float y = 0.0f;
    linear(row, h.data(), 1, &y, scratch_.lin);
    logits.push_back(y);
  }
  return logits;
}

}  // namespace ls::model
