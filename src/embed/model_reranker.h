// kb::Reranker backed by a GGUF cross-encoder (bge-reranker classification head, Qwen3-Reranker):
// scores are probabilities in [0, 1] (sigmoid of the head's logit, or P(yes)).
#pragma once

#include <memory>
#include <string>

#include "embed/embedding_model.h"
#include "kb/reranker.h"

namespace ls::embed {

class ModelReranker : public kb::Reranker {
 public:
  static Result<std::unique_ptr<ModelReranker>> open(const std::string& path, const LoadOptions& load = {});
  explicit ModelReranker(std::shared_ptr<EmbeddingModel> m) : model_(std::move(m)) {}

  std::string model_id() const override { return model_->model_id(); }
  Result<std::vector<float>> score(const std::string& query, const std::vector<std::string>& documents) override;

  EmbeddingModel& model() { return *model_; }

 private:
  std::shared_ptr<EmbeddingModel> model_;
};

}  // namespace ls::embed
