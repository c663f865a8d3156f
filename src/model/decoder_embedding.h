// Embeddings and yes/no scores from a decoder model (Qwen3-Embedding, Qwen3-Reranker): the causal
// forward pass of decoder.cpp, unchanged, one sequence at a time, then the final hidden state after
// output_norm pooled (usually LAST) — what llama.cpp returns for a decoder with a pooling type.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "model/kv_cache.h"
#include "model/model.h"
#include "model/pooling.h"
#include "model/scratch.h"
#include "util/error.h"
#include "util/thread_pool.h"

namespace ls::model {

class DecoderEmbedding {
 public:
  // pool: shared threads (outlive this) or null. The KV cache grows to the longest sequence seen,
  // up to max_tokens (0: the model's context_length).
  DecoderEmbedding(std::shared_ptr<const Model> m, ThreadPool* pool, int max_tokens = 0);

  const Model& model() const { return *model_; }
  int max_tokens() const { return max_tokens_; }

  // n_embd floats: the sequence's normalised final hidden states pooled by p (mean, cls or last).
  Result<std::vector<float>> pooled(std::span<const int32_t> seq, Pooling p);

  // The last token's logits for the given vocabulary rows only (e.g. the ids of "yes" and "no").
  Result<std::vector<float>> last_logits(std::span<const int32_t> seq, std::span<const int32_t> vocab_rows);

 private:
  // Runs the sequence; calls on_rows(first_row, n, hidden) per batch with normalised hidden rows.
  template <class F>
  Status run(std::span<const int32_t> seq, F&& on_rows);
  Status ensure_capacity(int n_tokens);

  std::shared_ptr<const Model> model_;
  ThreadPool* pool_;
  int max_tokens_;
  std::optional<KvCache> cache_;
  Scratch scratch_;
};

}  // namespace ls::model
