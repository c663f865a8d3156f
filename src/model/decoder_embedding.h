// Embeddings and yes/no scores from a decoder model (Qwen3-Embedding, Qwen3-Reranker): the causal
// forward pass of decoder.cpp, then the final hidden state after output_norm pooled (usually LAST)
// — what llama.cpp returns for a decoder with a pooling type.
//
// Many texts share one forward pass: each is a segment of decode_step with its own KV pages (so
// attention stays causal within the text) and all rows go through one matmul per weight. A text
// is cut into chunks of the same length whether it runs alone or packed, so its attention
// path is the same either way; its vector is bit-identical to running it alone whenever the
// matmul kernels give it the same path (calls of >= 4 rows for texts of >= 4 tokens, which
// tests/embed checks), and texts of 1-3 tokens may differ by the kernels' F16/F32 activation
// rounding (bounded in the same test).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "model/kv_pool.h"
#include "model/model.h"
#include "model/pooling.h"
#include "model/scratch.h"
#include "util/error.h"
#include "util/thread_pool.h"

namespace ls::model {

// How texts share forward passes.
struct DecoderPacking {
  // Rows of one forward pass over all packed texts (1: one text per pass).
  int64_t step_rows = 512;
  // Positions of one text per pass; longer texts take several (512: what one text alone always
  // ran with). Packed and alone use the same cut, so a text's attention path does not change.
  int64_t chunk_tokens = 512;
};

class DecoderEmbedding {
 public:
  // pool: shared threads (outlive this) or null. The KV cache grows to the longest sequence seen
  // plus one pass's rows; max_tokens (0: the model's context_length) bounds a sequence.
  DecoderEmbedding(std::shared_ptr<const Model> m, ThreadPool* pool, int max_tokens = 0,
                   DecoderPacking packing = {});

  const Model& model() const { return *model_; }
  int max_tokens() const { return max_tokens_; }

  // n_embd floats per sequence, in order: its normalised final hidden states pooled by p (mean,
  // cls or last); many sequences packed into each forward pass.
  Result<std::vector<std::vector<float>>> pooled_many(std::span<const std::vector<int32_t>> seqs, Pooling p);
  // One sequence.
  Result<std::vector<float>> pooled(std::span<const int32_t> seq, Pooling p);

  // The logits of the given vocabulary rows (e.g. the ids of "yes" and "no") for a pooled hidden
  // state h (n_embd floats, after output_norm).
  Result<std::vector<float>> vocab_logits(std::span<const float> h, std::span<const int32_t> vocab_rows);
  // The last token's logits for the given vocabulary rows.
  Result<std::vector<float>> last_logits(std::span<const int32_t> seq, std::span<const int32_t> vocab_rows);

 private:
  Status check(std::span<const std::vector<int32_t>> seqs) const;
  Status ensure_capacity(int64_t longest, int64_t total);

  std::shared_ptr<const Model> model_;
  ThreadPool* pool_;
  int max_tokens_;
  DecoderPacking packing_;
  std::unique_ptr<KvPool> kv_;  // pages of kPageTokens positions, handed to the texts in flight
  int scratch_ctx_ = 0;
  Scratch scratch_;
};

}  // namespace ls::model
