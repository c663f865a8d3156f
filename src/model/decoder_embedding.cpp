#include "model/decoder_embedding.h"

#include <algorithm>

#include "model/decoder.h"
#include "model/linear.h"
#include "model/ops.h"

namespace ls::model {
namespace {

// KV positions are handed out in pages of this many (power of two): a text in flight holds
// ceil(len / 16) pages, so short texts waste little of the shared cache.
constexpr int kPageTokens = 16;

int64_t pages_for(int64_t tokens) { return (tokens + kPageTokens - 1) / kPageTokens; }

// A text being evaluated: its KV pages and how many of its tokens have been through the model.
struct InFlight {
  size_t index = 0;
  int64_t done = 0;
  std::vector<int32_t> pages;
};

}  // namespace

DecoderEmbedding::DecoderEmbedding(std::shared_ptr<const Model> m, ThreadPool* pool, int max_tokens,
                                   DecoderPacking packing)
    : model_(std::move(m)), pool_(pool), packing_(packing) {
  packing_.step_rows = std::max<int64_t>(1, packing_.step_rows);
  packing_.chunk_tokens = std::max<int64_t>(1, packing_.chunk_tokens);
  const int train = model_->hparams().n_ctx_train;
  max_tokens_ = max_tokens > 0 ? std::min(max_tokens, train) : train;
}

Status DecoderEmbedding::check(std::span<const std::vector<int32_t>> seqs) const {
  const HParams& hp = model_->hparams();
  for (size_t i = 0; i < seqs.size(); ++i) {
    const std::string which = seqs.size() == 1 ? "the input" : "input " + std::to_string(i);
    if (seqs[i].empty()) return Error::invalid(which + " has no tokens to embed");
    if (static_cast<int64_t>(seqs[i].size()) > max_tokens_) {
      return Error::limit(which + " has " + std::to_string(seqs[i].size()) + " tokens but at most " +
                          std::to_string(max_tokens_) + " fit this embedding model's context");
    }
    for (int32_t id : seqs[i]) {
      if (id < 0 || id >= hp.n_vocab) {
        return Error::invalid("token id " + std::to_string(id) + " in " + which + " is outside the vocabulary (0.." +
                              std::to_string(hp.n_vocab - 1) + ")");
      }
    }
  }
  return {};
}

Status DecoderEmbedding::ensure_capacity(int64_t longest, int64_t total) {
  // The texts in flight at once: the longest one and at most one pass's rows of others; never
  // more than all of them. Grown in steps of 256 positions, so a stream of slightly longer texts
  // does not reallocate every time.
  const int64_t want = std::min(total, longest + std::max(packing_.step_rows, packing_.chunk_tokens));
  const int64_t cells = (want + 255) / 256 * 256;
  const HParams& hp = model_->hparams();
  if (!kv_ || int64_t{kv_->n_pages()} * kPageTokens < cells) {
    kv_.reset();
    LS_ASSIGN_OR_RETURN(kv_, KvPool::create(hp, static_cast<int>(cells / kPageTokens), kPageTokens, KvType::kF16));
  }
  // Attention scratch is per position of the longest text.
  const int ctx = static_cast<int>((longest + 255) / 256 * 256);
  const int batch = static_cast<int>(std::max(packing_.step_rows, packing_.chunk_tokens));
  if (scratch_ctx_ < ctx || scratch_.n_batch < batch) {
    scratch_ = Scratch{};
    scratch_ctx_ = std::max(ctx, scratch_ctx_);
    scratch_.allocate(hp, batch, scratch_ctx_, pool_);
  }
  return {};
}

Result<std::vector<std::vector<float>>> DecoderEmbedding::pooled_many(std::span<const std::vector<int32_t>> seqs,
                                                                      Pooling p) {
  if (p != Pooling::kMean && p != Pooling::kCls && p != Pooling::kLast) {
    return Error::invalid("pooling '" + std::string(pooling_name(p)) + "' does not give an embedding");
  }
  LS_TRY(check(seqs));
  std::vector<std::vector<float>> out(seqs.size());
  if (seqs.empty()) return out;
  int64_t longest = 0, total = 0;
  for (const auto& s : seqs) {
    longest = std::max<int64_t>(longest, static_cast<int64_t>(s.size()));
    total += pages_for(static_cast<int64_t>(s.size())) * kPageTokens;
  }
  LS_TRY(ensure_capacity(longest, total));

  const HParams& hp = model_->hparams();
  const int64_t e = hp.n_embd;
  const int64_t chunk = packing_.chunk_tokens;
  const float* norm_w = model_->weights().output_norm.data;
  std::vector<InFlight> flight;
  std::vector<SeqTokens> segs;
  std::vector<size_t> seg_flight;  // which text each segment is
  size_t next = 0;
  while (next < seqs.size() || !flight.empty()) {
    // Texts already started go first (in order), then new ones while their first chunk fits in
    // the pass and all their positions fit in the free pages. The first segment always fits.
    int64_t rows = 0;
    seg_flight.clear();
    for (size_t f = 0; f < flight.size(); ++f) {
      const int64_t n = std::min(chunk, static_cast<int64_t>(seqs[flight[f].index].size()) - flight[f].done);
      if (rows > 0 && rows + n > packing_.step_rows) continue;
      rows += n;
      seg_flight.push_back(f);
    }
    while (next < seqs.size()) {
      const auto len = static_cast<int64_t>(seqs[next].size());
      const int64_t n = std::min(chunk, len);
      if (rows > 0 && rows + n > packing_.step_rows) break;
      if (pages_for(len) > kv_->pages_available()) break;
      InFlight t;
      t.index = next++;
      for (int64_t i = 0; i < pages_for(len); ++i) t.pages.push_back(kv_->allocate());
      flight.push_back(std::move(t));
      seg_flight.push_back(flight.size() - 1);
      rows += n;
    }
    if (seg_flight.empty()) return Error::internal("decoder embedding: no text fits the KV cache");
    segs.clear();
    for (size_t f : seg_flight) {
      const InFlight& t = flight[f];
      const std::vector<int32_t>& s = seqs[t.index];
      const int64_t n = std::min(chunk, static_cast<int64_t>(s.size()) - t.done);
      segs.push_back({kv_->view(t.pages), s.data() + t.done, n, t.done});
    }
    decode_step(*model_, scratch_, segs, /*shared_matmul=*/true);

    // Pool each segment's rows (output_norm only where the pooling reads the row).
    float* x = scratch_.x.data();
    int64_t row = 0;
    for (size_t k = 0; k < segs.size(); ++k) {
      InFlight& t = flight[seg_flight[k]];
      const auto len = static_cast<int64_t>(seqs[t.index].size());
      std::vector<float>& v = out[t.index];
      if (v.empty()) v.assign(static_cast<size_t>(e), 0.0f);
      const float inv = 1.0f / static_cast<float>(len);
      for (int64_t i = 0; i < segs[k].n; ++i, ++row) {
        const int64_t pos = t.done + i;
        float* r = x + row * e;
        if (p == Pooling::kMean) {
          rms_norm(r, norm_w, e, hp.rms_eps, r);
          for (int64_t j = 0; j < e; ++j) v[static_cast<size_t>(j)] += r[j] * inv;
        } else if ((p == Pooling::kCls && pos == 0) || (p == Pooling::kLast && pos == len - 1)) {
          rms_norm(r, norm_w, e, hp.rms_eps, v.data());
        }
      }
      t.done += segs[k].n;
    }
    // Finished texts give their pages back.
    std::erase_if(flight, [&](InFlight& t) {
      if (t.done < static_cast<int64_t>(seqs[t.index].size())) return false;
      for (int32_t pg : t.pages) kv_->release(pg);
      return true;
    });
  }
  return out;
}

Result<std::vector<float>> DecoderEmbedding::pooled(std::span<const int32_t> seq, Pooling p) {
  const std::vector<std::vector<int32_t>> one{std::vector<int32_t>(seq.begin(), seq.end())};
  LS_ASSIGN_OR_RETURN(auto v, pooled_many(one, p));
  return std::move(v.front());
}

Result<std::vector<float>> DecoderEmbedding::vocab_logits(std::span<const float> h,
                                                          std::span<const int32_t> vocab_rows) {
  const HParams& hp = model_->hparams();
  if (static_cast<int64_t>(h.size()) != hp.n_embd) return Error::invalid("hidden state has the wrong size");
  for (int32_t r : vocab_rows) {
    if (r < 0 || r >= hp.n_vocab) return Error::invalid("vocabulary row " + std::to_string(r) + " is out of range");
  }
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

Result<std::vector<float>> DecoderEmbedding::last_logits(std::span<const int32_t> seq,
                                                         std::span<const int32_t> vocab_rows) {
  LS_ASSIGN_OR_RETURN(std::vector<float> h, pooled(seq, Pooling::kLast));
  return vocab_logits(h, vocab_rows);
}

}  // namespace ls::model
