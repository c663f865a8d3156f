#include "embed/model_reranker.h"

namespace ls::embed {

Result<std::unique_ptr<ModelReranker>> ModelReranker::open(const std::string& path, const LoadOptions& load) {
  LS_ASSIGN_OR_RETURN(std::unique_ptr<EmbeddingModel> m, EmbeddingModel::load(path, load));
  if (!m->is_reranker()) {
    return Error::invalid(path + " is not a reranker: its pooling is '" + std::string(model::pooling_name(m->pooling())) +
                          "' (a reranker has pooling rank and a classification head)");
  }
  return std::make_unique<ModelReranker>(std::shared_ptr<EmbeddingModel>(std::move(m)));
}

Result<std::vector<float>> ModelReranker::score(const std::string& query, const std::vector<std::string>& documents) {
  if (documents.empty()) return std::vector<float>{};
  return model_->rank(query, documents);
}

}  // namespace ls::embed
