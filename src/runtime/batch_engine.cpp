#include "runtime/batch_engine.h"

#include <algorithm>
#include <cstring>

#include "model/context.h"
#include "util/strings.h"

namespace ls::runtime {

Result<std::unique_ptr<BatchEngine>> BatchEngine::create(std::shared_ptr<const model::Model> model,
                                                         const BatchEngineOptions& options) {
  const model::HParams& hp = model->hparams();
  BatchEngineOptions o = options;
  if (o.max_running < 1 || o.max_running > 1024)
    return Error::invalid("parallel sequences " + std::to_string(o.max_running) + " out of range (1..1024)");
  if (o.n_ctx < 2 || o.n_ctx > (1 << 24))
    return Error::invalid("context size " + std::to_string(o.n_ctx) + " out of range (2.." + std::to_string(1 << 24) + ")");
  if (o.prefill_chunk < 1 || o.prefill_chunk > 8192)
    return Error::invalid("prefill chunk " + std::to_string(o.prefill_chunk) + " out of range (1..8192)");
  if (o.pool_tokens <= 0) o.pool_tokens = std::max(o.n_ctx, static_cast<int>(std::min<int64_t>(int64_t{o.max_running} * o.n_ctx, 1 << 16)));
  if (o.pool_tokens < o.n_ctx)
    return Error::invalid("the KV pool (" + std::to_string(o.pool_tokens) + " positions) must hold at least one full context (" +
                          std::to_string(o.n_ctx) + ")");
  const int n_pages = (o.pool_tokens + o.page_size - 1) / std::max(1, o.page_size);
  const int n_batch = o.max_running + o.prefill_chunk;
  const int n_threads = o.n_threads > 0 ? o.n_threads : model::default_threads(model->weights().bytes);
  const uint64_t kv_bytes = model::KvPool::bytes_for(hp, n_pages, o.page_size, o.kv_type);
  const uint64_t scratch_bytes = model::Scratch::bytes_for(hp, n_batch, o.n_ctx, n_threads) +
                                 uint64_t{4} * o.max_running * (hp.n_vocab + hp.n_embd);
  if (o.check_memory) {
    const uint64_t avail = model::available_memory_bytes();
    const uint64_t need = model->weights().bytes + kv_bytes + scratch_bytes;
    if (avail != 0 && need > avail)
      return Error::limit(model->file().path() + ": needs " + format_bytes(static_cast<double>(need)) + " (KV pool " +
                          format_bytes(static_cast<double>(kv_bytes)) + " for " + std::to_string(o.pool_tokens) +
                          " positions) but only " + format_bytes(static_cast<double>(avail)) +
                          " is available; try a smaller --ctx-pool or --ctx");
  }
  std::unique_ptr<BatchEngine> e(new BatchEngine());
  e->opts_ = o;
  e->model_ = std::move(model);
  LS_ASSIGN_OR_RETURN(e->pool_, model::KvPool::create(hp, n_pages, o.page_size, o.kv_type));
  if (n_threads > 1) e->threads_ = std::make_unique<ThreadPool>(n_threads);
  e->scratch_.allocate(hp, n_batch, o.n_ctx, e->threads_.get());
  e->segments_.reserve(static_cast<size_t>(o.max_running));
  e->segment_ids_.reserve(static_cast<size_t>(o.max_running));
  e->hidden_.resize(static_cast<size_t>(o.max_running) * hp.n_embd);
  e->logits_.resize(static_cast<size_t>(o.max_running) * hp.n_vocab);
  return e;
}

BatchEngine::~BatchEngine() = default;

BatchEngine::Seq* BatchEngine::find(SeqId id) {
  auto it = seqs_.find(id);
  return it == seqs_.end() ? nullptr : it->second.get();
}
const BatchEngine::Seq* BatchEngine::find(SeqId id) const {
  auto it = seqs_.find(id);
  return it == seqs_.end() ? nullptr : it->second.get();
}

Result<BatchEngine::SeqId> BatchEngine::add(std::vector<int32_t> prompt) {
  const int n_vocab = model_->hparams().n_vocab;
  if (prompt.empty()) return Error::invalid("the prompt is empty (no tokens)");
  if (static_cast<int64_t>(prompt.size()) >= opts_.n_ctx)
    return Error::limit("the prompt is " + std::to_string(prompt.size()) + " tokens, a sequence may have at most " +
                        std::to_string(opts_.n_ctx - 1) + " (--ctx " + std::to_string(opts_.n_ctx) + ")");
  for (int32_t t : prompt)
    if (t < 0 || t >= n_vocab)
      return Error::invalid("token id " + std::to_string(t) + " is outside the vocabulary (0.." + std::to_string(n_vocab - 1) + ")");
  auto s = std::make_unique<Seq>();
  s->id = next_id_++;
  s->tokens = std::move(prompt);
  const SeqId id = s->id;
  seqs_.emplace(id, std::move(s));
  waiting_.push_back(id);
  return id;
}

void BatchEngine::append(SeqId id, int32_t token) {
  if (Seq* s = find(id)) s->tokens.push_back(token);
}

int BatchEngine::n_tokens(SeqId id) const {
  const Seq* s = find(id);
  return s == nullptr ? 0 : static_cast<int>(s->tokens.size());
}

int BatchEngine::cached_tokens(SeqId id) const {
  const Seq* s = find(id);
  return s == nullptr ? -1 : s->cached;
}

void BatchEngine::release_pages(Seq& s) {
  for (int32_t p : s.pages) pool_->release(p);
  s.pages.clear();
  s.page_hash.clear();
  s.n_kv = 0;
}

void BatchEngine::remove(SeqId id) {
  Seq* s = find(id);
  if (s == nullptr) return;
  release_pages(*s);
  std::erase(running_, id);
  std::erase(waiting_, id);
  seqs_.erase(id);
}

bool BatchEngine::ensure_pages(Seq& s, int positions) {
  const size_t want = static_cast<size_t>((positions + pool_->page_size() - 1) >> pool_->page_shift());
  while (s.pages.size() < want) {
    const int32_t p = pool_->allocate();
    if (p < 0) return false;
    s.pages.push_back(p);
  }
  return true;
}

bool BatchEngine::try_admit(Seq& s) {
  const int ps = pool_->page_size();
  const int len = static_cast<int>(s.tokens.size());
  // Whole cached pages, leaving at least the last token to evaluate (its logits are needed).
  const int max_pages = opts_.prefix_cache ? (len - 1) / ps : 0;
  auto page_at = [&](int i) {
    return std::span<const int32_t>(s.tokens.data() + static_cast<size_t>(i) * ps, static_cast<size_t>(ps));
  };
  // A look first, taking nothing: a sequence that must wait is retried every step, and should
  // neither pin cached pages nor count as cache hits each time.
  int found = 0;
  int found_unreferenced = 0;  // leave the evictable set when taken
  uint64_t parent = 0;
  for (; found < max_pages; ++found) {
    const int32_t p = pool_->find(parent, page_at(found));
    if (p < 0) break;
    if (!pool_->referenced(p)) ++found_unreferenced;
    parent = model::KvPool::chain_hash(parent, page_at(found));
  }
  const int need = (len + ps - 1) / ps - found;
  if (need > pool_->pages_available() - found_unreferenced) return false;
  parent = 0;
  for (int i = 0; i < found; ++i) {
    s.pages.push_back(pool_->lookup(parent, page_at(i)));
    parent = model::KvPool::chain_hash(parent, page_at(i));
    s.page_hash.push_back(parent);
  }
  prefix_hit_pages_ += static_cast<uint64_t>(found);
  prefix_miss_pages_ += static_cast<uint64_t>(max_pages - found);
  s.n_kv = found * ps;
  if (s.cached < 0) s.cached = s.n_kv;
  ensure_pages(s, len);
  s.running = true;
  return true;
}

void BatchEngine::preempt(Seq& s) {
  release_pages(s);
  s.running = false;
  std::erase(running_, s.id);
  waiting_.push_front(s.id);
  ++preemptions_;
}

void BatchEngine::publish_full_pages(Seq& s) {
  const int ps = pool_->page_size();
  while (static_cast<int>(s.page_hash.size() + 1) * ps <= s.n_kv) {
    const size_t i = s.page_hash.size();
    const uint64_t parent = i == 0 ? 0 : s.page_hash[i - 1];
    const std::span<const int32_t> page(s.tokens.data() + i * ps, static_cast<size_t>(ps));
    if (opts_.prefix_cache) pool_->publish(s.pages[i], parent, page);
    s.page_hash.push_back(model::KvPool::chain_hash(parent, page));
  }
}

Result<std::vector<BatchEngine::Output>> BatchEngine::step() {
  const model::HParams& hp = model_->hparams();
  while (!waiting_.empty() && static_cast<int>(running_.size()) < opts_.max_running) {
    Seq& s = *find(waiting_.front());
    if (!try_admit(s)) break;
    waiting_.pop_front();
    running_.push_back(s.id);
  }
  segments_.clear();
  segment_ids_.clear();
  // Decodes first (one token each, they share the per-token matmul group), each with room for
  // its next position; a pool that has none left preempts the youngest other sequence.
  for (size_t i = 0; i < running_.size(); ++i) {
    Seq& s = *find(running_[i]);
    if (static_cast<int>(s.tokens.size()) - s.n_kv != 1) continue;
    while (!ensure_pages(s, s.n_kv + 1)) {
      Seq& victim = *find(running_.back());
      preempt(victim);
      if (&victim == &s) break;
    }
    if (!s.running) break;  // it was the youngest: everything after it is gone too
  }
  for (SeqId id : running_) {
    Seq& s = *find(id);
    if (static_cast<int>(s.tokens.size()) - s.n_kv != 1) continue;
    segments_.push_back({pool_->view(s.pages), s.tokens.data() + s.n_kv, 1, s.n_kv});
    segment_ids_.push_back(id);
  }
  // Then prompt chunks, cut at multiples of prefill_chunk, oldest first, within one chunk's budget.
  int budget = opts_.prefill_chunk;
  for (SeqId id : running_) {
    Seq& s = *find(id);
    const int len = static_cast<int>(s.tokens.size());
    if (len - s.n_kv <= 1) continue;
    const int end = std::min(len, (s.n_kv / opts_.prefill_chunk + 1) * opts_.prefill_chunk);
    const int n = end - s.n_kv;
    if (n > budget) break;
    budget -= n;
    segments_.push_back({pool_->view(s.pages), s.tokens.data() + s.n_kv, n, s.n_kv});
    segment_ids_.push_back(id);
  }
  std::vector<Output> out;
  if (segments_.empty()) return out;
  model::decode_step(*model_, scratch_, segments_);
  int64_t row = 0;
  for (size_t i = 0; i < segments_.size(); ++i) {
    Seq& s = *find(segment_ids_[i]);
    row += segments_[i].n;
    s.n_kv += static_cast<int>(segments_[i].n);
    publish_full_pages(s);
    if (s.n_kv == static_cast<int>(s.tokens.size())) {
      std::memcpy(hidden_.data() + out.size() * hp.n_embd, scratch_.x.data() + (row - 1) * hp.n_embd,
                  sizeof(float) * hp.n_embd);
      out.push_back({s.id, {}});
    }
  }
  if (out.empty()) return out;
  model::output_logits(*model_, scratch_, hidden_.data(), static_cast<int64_t>(out.size()), logits_.data(),
                       /*per_token=*/true);
  for (size_t i = 0; i < out.size(); ++i)
    out[i].logits = std::span<const float>(logits_.data() + i * hp.n_vocab, static_cast<size_t>(hp.n_vocab));
  return out;
}

}  // namespace ls::runtime
