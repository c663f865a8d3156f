// kb::Embedder backed by a GGUF embedding model: tokenises (with the query instruction where the
// model wants one), truncates over-long texts to the model's limit, embeds in packed batches and
// L2-normalises (cosine similarity becomes a dot product, as the vector index expects).
#pragma once

#include <memory>
#include <string>

#include "embed/embedding_model.h"
#include "kb/embedder.h"

namespace ls::embed {

struct EmbedderOptions {
  bool normalize = true;
  bool truncate = true;  // false: an over-long text is an error
  // Put before queries (kQuery) only. Default: Qwen3-Embedding's instruction for decoder models
  // ("Instruct: …\nQuery:", its model card's format), nothing for BERT models.
  std::optional<std::string> query_prefix;
};

// Qwen3-Embedding's default query instruction (its model card's retrieval task).
std::string default_query_prefix(const EmbeddingModel& m);

class ModelEmbedder : public kb::Embedder {
 public:
  static Result<std::unique_ptr<ModelEmbedder>> open(const std::string& path, const LoadOptions& load = {},
                                                     const EmbedderOptions& opts = {});
  ModelEmbedder(std::shared_ptr<EmbeddingModel> m, EmbedderOptions opts);

  std::string model_id() const override { return model_->model_id(); }
  int dimension() const override { return model_->dimension(); }
  Result<std::vector<std::vector<float>>> embed(const std::vector<std::string>& texts,
                                                kb::EmbedPurpose purpose) override;

  // The token ids embed() would evaluate for one text.
  // truncate: overrides the option for this call (the server fails over-long inputs by default).
  Result<std::vector<int32_t>> input_tokens(const std::string& text, kb::EmbedPurpose purpose,
                                            std::optional<bool> truncate = std::nullopt) const;
  // Vectors for given token sequences (already model input), normalised per the options.
  Result<std::vector<std::vector<float>>> embed_tokens(const std::vector<std::vector<int32_t>>& seqs);

  EmbeddingModel& model() { return *model_; }
  const EmbedderOptions& options() const { return opts_; }

 private:
  std::shared_ptr<EmbeddingModel> model_;
  EmbedderOptions opts_;
  std::string query_prefix_;
};

}  // namespace ls::embed
