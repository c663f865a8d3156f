// An embedding or reranker model loaded from GGUF, whatever its architecture: `bert` files run on
// the encoder (many texts packed into one forward pass), decoder files (qwen3, qwen2, llama) on the
// causal decoder with their pooling (Qwen3-Embedding: last token; Qwen3-Reranker: yes/no logits).
// The pooling comes from `<arch>.pooling_type` unless overridden. Calls are serialised inside:
// one model serves many threads, one batch at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/decoder_embedding.h"
#include "model/encoder.h"
#include "model/pooling.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"
#include "util/thread_pool.h"

namespace ls::embed {

struct LoadOptions {
  std::optional<model::Pooling> pooling;  // overrides the file's pooling type
  int n_threads = 0;                      // 0: the CPUs available
  int max_tokens = 0;                     // longest input (0: the model's context, decoders capped at 8192)
  int64_t batch_tokens = 0;  // tokens of many texts in one forward pass (0: 4096 bert, 512 decoders)
};

class EmbeddingModel {
 public:
  static Result<std::unique_ptr<EmbeddingModel>> load(const std::string& path, const LoadOptions& opts = {});
  ~EmbeddingModel();

  const std::string& path() const { return path_; }
  const std::string& arch() const { return arch_; }
  // Stable identity: file stem plus a digest of shapes, types and a sample of the weights.
  const std::string& model_id() const { return model_id_; }
  int dimension() const { return dimension_; }
  model::Pooling pooling() const { return pooling_; }
  bool is_reranker() const { return pooling_ == model::Pooling::kRank; }
  bool is_decoder() const { return decoder_ != nullptr; }
  int max_tokens() const { return max_tokens_; }
  const tok::Tokenizer& tokenizer() const { return *tok_; }

  // The model's input for one text: special tokens as the vocabulary asks ([CLS] … [SEP], BOS …),
  // text not scanned for special tokens. With truncate, a text longer than max_tokens() keeps its
  // head and the closing special token; without, it is an error naming the limit.
  Result<std::vector<int32_t>> tokenize(std::string_view text, bool truncate) const;

  // Raw pooled vectors (dimension() floats each), one per sequence, in order.
  Result<std::vector<std::vector<float>>> embed_tokens(const std::vector<std::vector<int32_t>>& seqs);

  // Rerankers: one relevance score per document, sigmoid of the head's logit (bert) or
  // P(yes) from the yes/no logits (Qwen3-Reranker); raw_logits gives the logit instead.
  // n_tokens (optional) receives the tokens evaluated.
  Result<std::vector<float>> rank(std::string_view query, const std::vector<std::string>& documents,
                                  bool raw_logits = false, int64_t* n_tokens = nullptr);
  // The reranker's input for one pair (what rank() evaluates).
  Result<std::vector<int32_t>> pair_tokens(std::string_view query, std::string_view document) const;

 private:
  EmbeddingModel() = default;
  // The score of one pair from its last hidden state (after output_norm).
  Result<float> rank_decoder(std::span<const float> h, bool raw_logits);
  Status tokenize_into(std::string_view text, bool parse_special, std::vector<int32_t>& out) const;

  std::string path_, arch_, model_id_;
  int dimension_ = 0;
  int max_tokens_ = 0;
  int64_t batch_tokens_ = 4096;
  model::Pooling pooling_ = model::Pooling::kNone;
  std::optional<tok::Tokenizer> tok_;
  std::unique_ptr<ThreadPool> pool_;
  std::unique_ptr<model::Encoder> encoder_;
  std::unique_ptr<model::DecoderEmbedding> decoder_;
  // Decoder rerankers: a classification matrix (cls.output) or the yes/no rows of the output matrix.
  model::Matrix cls_out_;
  std::vector<int32_t> yes_no_rows_;
  int yes_index_ = 0;
  std::string rerank_template_;  // "{query}" / "{document}" placeholders
  std::mutex mu_;
};

}  // namespace ls::embed
