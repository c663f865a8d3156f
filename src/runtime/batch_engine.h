// Many sequences on one model at once (continuous batching): a shared paged KV pool
// (model::KvPool) with its prefix cache, and one batched forward per step over the decode token of
// every running sequence plus bounded chunks of prompts being admitted (chunked prefill), so a
// long prompt never stalls the running streams for more than a chunk.
//
// Sequences wait in FIFO order until the pool can hold their prompt (never an error); the prompt's
// longest cached prefix (whole pages) is taken instead of recomputed. When a decode needs a page
// and none is left, the most recently admitted other sequence is preempted: its pages go back (the
// full ones stay in the prefix cache) and it rejoins the head of the queue, to be recomputed —
// mostly from the cache — when there is room again.
//
// Per-token numerics never depend on the batch: decodes go through the matmul's per-token path,
// and a prompt's chunks are cut at fixed multiples of prefill_chunk positions, each evaluated as a
// one-sequence batch would be. So a greedy sequence gives the same tokens alone or with 15 others.
// Not thread-safe: one engine thread drives it.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "model/decoder.h"
#include "model/kv_pool.h"
#include "model/model.h"
#include "model/scratch.h"
#include "util/error.h"
#include "util/thread_pool.h"

namespace ls::runtime {

struct BatchEngineOptions {
  int max_running = 16;      // sequences in the batched forward at once
  int n_ctx = 4096;          // positions one sequence may have
  int pool_tokens = 0;       // KV pool size in positions (0: max_running * n_ctx up to 65536, at least n_ctx;
                             // `serve` sizes it from a memory budget instead, runtime/kv_sizing.h)
  int page_size = 16;        // positions per KV page (a power of two)
  int prefill_chunk = 64;    // prompt tokens evaluated per step (bounds inter-token latency)
  model::KvType kv_type = model::KvType::kF16;
  bool prefix_cache = true;
  int n_threads = 0;         // 0: model::default_threads
  bool check_memory = true;
};

class BatchEngine {
 public:
  using SeqId = uint64_t;

  static Result<std::unique_ptr<BatchEngine>> create(std::shared_ptr<const model::Model> model,
                                                     const BatchEngineOptions& options);
  ~BatchEngine();

  const BatchEngineOptions& options() const { return opts_; }
  const model::Model& model() const { return *model_; }

  // Queues a sequence starting with `prompt` (1..n_ctx-1 tokens, ids in the vocabulary).
  Result<SeqId> add(std::vector<int32_t> prompt);
  // Appends the token sampled from the logits step() just returned for `id`.
  void append(SeqId id, int32_t token);
  // Drops a sequence (finished or cancelled): its pages go back now.
  void remove(SeqId id);

  struct Output {
    SeqId id;
    std::span<const float> logits;  // n_vocab; valid until the next step()
  };
  // Admits what fits, runs one forward step over every running sequence that has tokens to
  // evaluate, and returns those whose next-token logits are ready.
  Result<std::vector<Output>> step();

  bool has_work() const { return !waiting_.empty() || !running_.empty(); }
  int n_running() const { return static_cast<int>(running_.size()); }
  int n_waiting() const { return static_cast<int>(waiting_.size()); }
  // Tokens of the sequence (prompt + appended).
  int n_tokens(SeqId id) const;
  // Prompt tokens whose K/V came from the prefix cache when the sequence was (first) admitted;
  // -1 while it is still waiting.
  int cached_tokens(SeqId id) const;

  model::KvPool& pool() { return *pool_; }
  const model::KvPool& pool() const { return *pool_; }
  uint64_t preemptions() const { return preemptions_; }
  // Prefix cache at admission, in pages: of the whole pages before each admitted prompt's last
  // token (the ones the cache could serve), those taken from it (hits) and those computed
  // (misses). A sequence re-admitted after preemption counts again.
  uint64_t prefix_hit_pages() const { return prefix_hit_pages_; }
  uint64_t prefix_miss_pages() const { return prefix_miss_pages_; }

 private:
  struct Seq {
    SeqId id = 0;
    std::vector<int32_t> tokens;
    std::vector<int32_t> pages;
    std::vector<uint64_t> page_hash;  // chained prefix hash of each full page (published or not)
    int n_kv = 0;                     // positions whose K/V are in the pages
    int cached = -1;
    bool running = false;
  };
  BatchEngine() = default;
  bool try_admit(Seq& s);
  bool ensure_pages(Seq& s, int positions);
  void release_pages(Seq& s);
  void preempt(Seq& s);
  void publish_full_pages(Seq& s);
  Seq* find(SeqId id);
  const Seq* find(SeqId id) const;

  BatchEngineOptions opts_;
  std::shared_ptr<const model::Model> model_;
  std::unique_ptr<ThreadPool> threads_;
  std::unique_ptr<model::KvPool> pool_;
  model::Scratch scratch_;
  std::unordered_map<SeqId, std::unique_ptr<Seq>> seqs_;
  std::deque<SeqId> waiting_;  // FIFO; preempted sequences go back to the front
  std::vector<SeqId> running_;  // admission order
  SeqId next_id_ = 1;
  uint64_t preemptions_ = 0;
  uint64_t prefix_hit_pages_ = 0;
  uint64_t prefix_miss_pages_ = 0;
  std::vector<model::SeqTokens> segments_;
  std::vector<SeqId> segment_ids_;
  std::vector<float> hidden_;  // [max_running][n_embd]: rows that need logits
  std::vector<float> logits_;  // [max_running][n_vocab]
};

}  // namespace ls::runtime
