#include "model/context.h"

#include <algorithm>
#include <fstream>
#include <string>
#include <thread>

#include <sched.h>

#include "model/decoder.h"
#include "util/strings.h"

namespace ls::model {

uint64_t available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  uint64_t kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit) {
    if (key == "MemAvailable:") return kb * 1024;
  }
  return 0;
}

int available_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

int default_threads(uint64_t weight_bytes) {
  // Waking workers costs tens of microseconds; below a few MB of weights per thread one core
  // finishes a token sooner than several.
  constexpr uint64_t kBytesPerThread = uint64_t{32} << 20;
  const uint64_t want = 1 + weight_bytes / kBytesPerThread;
  return static_cast<int>(std::min<uint64_t>(want, static_cast<uint64_t>(available_cpus())));
}

Result<std::unique_ptr<Context>> Context::create(std::shared_ptr<const Model> model,
                                                 const ContextOptions& opts) {
  const HParams& hp = model->hparams();
  int n_ctx = opts.n_ctx > 0 ? opts.n_ctx : hp.n_ctx_train;
  if (opts.n_ctx <= 0 && opts.default_ctx_cap > 0) n_ctx = std::min(n_ctx, opts.default_ctx_cap);
  if (opts.n_ctx < 0 || n_ctx > (1 << 24)) {
    return Error::invalid("context size " + std::to_string(opts.n_ctx) + " is out of range (1.." +
                          std::to_string(1 << 24) + ")");
  }
  const int n_batch = std::clamp(opts.n_batch, 1, n_ctx);
  const KvType kv_type = opts.exact_weights ? KvType::kF32 : opts.kv_type;
  const uint64_t kv_bytes = KvCache::bytes_for(hp, n_ctx, kv_type);
  const int n_threads = opts.pool != nullptr ? opts.pool->size()
                        : opts.n_threads > 0 ? opts.n_threads
                                             : default_threads(model->weights().bytes);
  const uint64_t scratch_bytes = Scratch::bytes_for(hp, n_batch, n_ctx, n_threads) + uint64_t{4} * hp.n_vocab;
  const uint64_t need = model->weights().bytes + kv_bytes + scratch_bytes;
  if (opts.check_memory) {
    const uint64_t avail = opts.memory_budget != 0 ? opts.memory_budget : available_memory_bytes();
    if (avail != 0 && need > avail) {
      return Error::limit(model->file().path() + ": needs " + format_bytes(static_cast<double>(need)) +
                          " (weights " + format_bytes(static_cast<double>(model->weights().bytes)) +
                          ", KV cache " + format_bytes(static_cast<double>(kv_bytes)) + " for " +
                          std::to_string(n_ctx) + " tokens, scratch " +
                          format_bytes(static_cast<double>(scratch_bytes)) + ") but only " +
                          format_bytes(static_cast<double>(avail)) +
                          " of memory is available; try a smaller --ctx or a smaller model");
    }
  }
  LS_ASSIGN_OR_RETURN(KvCache cache, KvCache::create(hp, n_ctx, kv_type));
  std::unique_ptr<Context> c(new Context(std::move(model), std::move(cache)));
  ThreadPool* pool = opts.pool;
  if (pool == nullptr && n_threads > 1) {
    c->own_pool_ = std::make_unique<ThreadPool>(n_threads);
    pool = c->own_pool_.get();
  }
  c->scratch_.allocate(hp, n_batch, n_ctx, pool);
  c->scratch_.lin.exact_weights = opts.exact_weights;
  c->scratch_.lin.ggml_order = opts.ggml_order;
  c->logits_.resize(static_cast<size_t>(hp.n_vocab));
  return c;
}

size_t Context::bytes() const {
  return cache_.bytes() +
         Scratch::bytes_for(model_->hparams(), scratch_.n_batch, cache_.n_ctx(), scratch_.n_threads()) +
         (logits_.size() + all_logits_.size()) * sizeof(float);
}

void Context::truncate(int n) { n_past_ = std::clamp(n, 0, n_past_); }

Result<std::span<const float>> Context::eval(std::span<const int32_t> tokens, bool all_logits) {
  const HParams& hp = model_->hparams();
  if (tokens.empty()) return Error::invalid("no tokens to evaluate");
  const int64_t n_total = static_cast<int64_t>(tokens.size());
  if (n_past_ + n_total > n_ctx()) {
    return Error::limit("the prompt and generated text need " + std::to_string(n_past_ + n_total) +
                        " tokens but the context holds " + std::to_string(n_ctx()) +
                        " (use a larger --ctx, up to the model's " + std::to_string(hp.n_ctx_train) +
                        ", or a shorter prompt)");
  }
  for (int32_t id : tokens) {
    if (id < 0 || id >= hp.n_vocab) {
      return Error::invalid("token id " + std::to_string(id) + " is outside the vocabulary (0.." +
                            std::to_string(hp.n_vocab - 1) + ")");
    }
  }
  const size_t nv = static_cast<size_t>(hp.n_vocab);
  if (all_logits && all_logits_.size() < tokens.size() * nv) all_logits_.resize(tokens.size() * nv);
  for (int64_t done = 0; done < n_total;) {
    const int64_t n = std::min<int64_t>(scratch_.n_batch, n_total - done);
    decode_batch(*model_, cache_, scratch_, tokens.data() + done, n, n_past_);
    float* x = scratch_.x.data();
    if (all_logits) {
      output_logits(*model_, scratch_, x, n, all_logits_.data() + static_cast<size_t>(done) * nv);
    } else if (done + n == n_total) {
      output_logits(*model_, scratch_, x + (n - 1) * hp.n_embd, 1, logits_.data());
    }
    n_past_ += static_cast<int>(n);
    done += n;
  }
  if (all_logits) return std::span<const float>(all_logits_.data(), tokens.size() * nv);
  return std::span<const float>(logits_);
}

}  // namespace ls::model
