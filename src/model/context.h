// One sequence being evaluated by a model: its KV cache and scratch, both allocated once at
// creation (after checking they fit in memory). Prompts are evaluated in batches of up to
// n_batch tokens (matrix × matrix), generation one token at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "model/kv_cache.h"
#include "model/model.h"
#include "model/scratch.h"
#include "util/error.h"
#include "util/thread_pool.h"

namespace ls::model {

struct ContextOptions {
  int n_ctx = 0;      // 0: the model's context_length, capped at default_ctx_cap
  int default_ctx_cap = 0;  // 0: no cap
  int n_batch = 512;  // prompt tokens per forward batch (capped at n_ctx)
  KvType kv_type = KvType::kF16;
  bool check_memory = true;  // refuse when weights + KV + scratch exceed available memory
  uint64_t memory_budget = 0;  // bytes the check allows; 0: what the OS reports available
  int n_threads = 0;         // own pool of this many threads (0: default_threads()) when `pool` is null
  ThreadPool* pool = nullptr;  // shared pool (outlives the context)
  // Reference mode for tests and `logits --exact`: weights dequantised exactly, F32 activations
  // (no Q8 quantisation), double dot products, F32 KV cache (kv_type ignored). Compared with
  // the float64 oracle files, it is where a wrong bit in a dequantiser shows. Single-threaded matmuls.
  bool exact_weights = false;
  // llama.cpp parity mode: the K-type dot products in the float order of llama.cpp's x86 build
  // (kernels/ggml_order.h: scalar, so prefill and decode of K-type models are slower) and RoPE's
  // rotation as that build's fused multiply-adds. With it, the K-quant models follow llama.cpp's
  // default setting (flash attention, F16 KV) to its last bit on short prompts; see
  // tests/model/parity_test.cpp. Off: the fast kernels' own (equally exact-integer) order.
  bool ggml_order = false;
};

class Context {
 public:
  static Result<std::unique_ptr<Context>> create(std::shared_ptr<const Model> model,
                                                 const ContextOptions& opts = {});

  const Model& model() const { return *model_; }
  int n_ctx() const { return cache_.n_ctx(); }
  int n_past() const { return n_past_; }
  KvType kv_type() const { return cache_.type(); }
  // Bytes owned by this context (KV cache + scratch).
  size_t bytes() const;

  // Appends `tokens` at positions n_past()..; returns the logits of the last token (n_vocab
  // floats) or, with all_logits, of every token ([tokens][n_vocab]). Valid until the next call.
  Result<std::span<const float>> eval(std::span<const int32_t> tokens, bool all_logits = false);

  // Forgets positions >= n (n <= n_past), e.g. to start a new prompt.
  void truncate(int n);

 private:
  Context(std::shared_ptr<const Model> m, KvCache c) : model_(std::move(m)), cache_(std::move(c)) {}
  std::shared_ptr<const Model> model_;
  std::unique_ptr<ThreadPool> own_pool_;
  KvCache cache_;
  Scratch scratch_;
  std::vector<float> logits_;      // n_vocab
  std::vector<float> all_logits_;  // grown only when all logits are asked for
  int n_past_ = 0;
};

// CPUs this process may run on (the default thread count).
int available_cpus();

// Threads worth using for a model of this many weight bytes (at most available_cpus()).
int default_threads(uint64_t weight_bytes);

// Bytes of RAM the OS says are available (MemAvailable), or 0 when unknown.
uint64_t available_memory_bytes();

}  // namespace ls::model
