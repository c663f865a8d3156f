// The CPU engine behind the server with continuous batching: one engine thread drives a
// runtime::BatchEngine (shared paged KV pool, prefix cache, chunked prefill), samples each
// sequence with its own parameters and seed, applies stop strings and end-of-generation tokens,
// and streams text through the callbacks. Requests the admission queue lets through (up to
// --parallel) join between steps; when the KV pool is full they wait inside the engine. A
// cancelled generation (client gone, --timeout, drain) leaves within one step and frees its pages.
#pragma once

#include <atomic>
#include <memory>
#include <span>
#include <thread>
#include <unordered_map>

#include "runtime/batch_engine.h"
#include "runtime/session.h"
#include "server/backend.h"
#include "server/engine_text.h"

namespace ls::server {

struct BatchBackendOptions {
  runtime::SessionOptions session;  // model, threads, template (no Context is created)
  // engine.n_ctx 0: min(model context, pool); engine.pool_tokens 0: what kv_memory holds, at most
  // max_running x n_ctx (runtime/kv_sizing.h).
  runtime::BatchEngineOptions engine;
  uint64_t kv_memory = 0;  // bytes; 0: runtime::kDefaultKvMemoryBytes
};

class BatchBackend : public SessionTextBackend {
 public:
  static Result<std::shared_ptr<BatchBackend>> open(const BatchBackendOptions& options);
  ~BatchBackend() override;

  Result<std::unique_ptr<Generation>> submit(GenerationRequest request, TokenCallback on_token,
                                             DoneCallback on_done) override;

  // For tests and metrics, as of the last step: the pool (pages referenced by sequences, cached,
  // prefix-cache hits and misses at admission, evictions, preemptions) and the engine's queue.
  struct Stats : KvPoolStats {
    int running = 0;
    int waiting = 0;
    uint64_t steps = 0;
  };
  Stats stats() const;
  std::optional<KvPoolStats> kv_pool_stats() const override { return static_cast<KvPoolStats>(stats()); }
  int pool_tokens() const { return engine_->options().pool_tokens; }

  struct Job;    // one generation's state (batch_backend.cpp)
  struct Inbox;  // submissions and wake-ups, shared with the Generation handles

 private:
  BatchBackend() = default;
  void run();  // the engine thread
  void start_job(const std::shared_ptr<Job>& job);
  // The next token of a job from its logits; false when the job is finished.
  bool advance(Job& job, std::span<const float> logits);
  void finish(Job& job, FinishReason reason);

  std::unique_ptr<runtime::BatchEngine> engine_;

  std::shared_ptr<Inbox> inbox_;
  std::unordered_map<runtime::BatchEngine::SeqId, std::shared_ptr<Job>> active_;  // engine thread only
  std::thread thread_;
};

}  // namespace ls::server
