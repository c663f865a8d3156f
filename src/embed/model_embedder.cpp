#include "embed/model_embedder.h"

#include "model/pooling.h"

namespace ls::embed {

std::string default_query_prefix(const EmbeddingModel& m) {
  if (!m.is_decoder()) return "";
  return "Instruct: Given a web search query, retrieve relevant passages that answer the query\nQuery:";
}

Result<std::unique_ptr<ModelEmbedder>> ModelEmbedder::open(const std::string& path, const LoadOptions& load,
                                                           const EmbedderOptions& opts) {
  LS_ASSIGN_OR_RETURN(std::unique_ptr<EmbeddingModel> m, EmbeddingModel::load(path, load));
  if (m->is_reranker()) {
    return Error::invalid(path + " is a reranker (pooling rank), not an embedding model; use it as a rerank model");
  }
  return std::make_unique<ModelEmbedder>(std::shared_ptr<EmbeddingModel>(std::move(m)), opts);
}

ModelEmbedder::ModelEmbedder(std::shared_ptr<EmbeddingModel> m, EmbedderOptions opts)
    : model_(std::move(m)), opts_(std::move(opts)) {
  query_prefix_ = opts_.query_prefix.value_or(default_query_prefix(*model_));
}

Result<std::vector<int32_t>> ModelEmbedder::input_tokens(const std::string& text, kb::EmbedPurpose purpose,
                                                         std::optional<bool> truncate) const {
  const bool cut = truncate.value_or(opts_.truncate);
  if (purpose == kb::EmbedPurpose::kQuery && !query_prefix_.empty()) return model_->tokenize(query_prefix_ + text, cut);
  return model_->tokenize(text, cut);
}

Result<std::vector<std::vector<float>>> ModelEmbedder::embed_tokens(const std::vector<std::vector<int32_t>>& seqs) {
  LS_ASSIGN_OR_RETURN(auto vecs, model_->embed_tokens(seqs));
  if (opts_.normalize) {
    for (auto& v : vecs) model::l2_normalize(v.data(), static_cast<int64_t>(v.size()));
  }
  return vecs;
}

Result<std::vector<std::vector<float>>> ModelEmbedder::embed(const std::vector<std::string>& texts,
                                                             kb::EmbedPurpose purpose) {
  std::vector<std::vector<int32_t>> seqs;
  seqs.reserve(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    auto ids = input_tokens(texts[i], purpose);
    if (!ids.ok()) return ids.error().with_context("text " + std::to_string(i));
    seqs.push_back(std::move(ids).value());
  }
  if (seqs.empty()) return std::vector<std::vector<float>>{};
  return embed_tokens(seqs);
}

}  // namespace ls::embed
