#include "server/served_models.h"

#include <algorithm>
#include <chrono>

#include "server/engine_text.h"
#include "server/server_state.h"

namespace ls::server {

ModelInfo embedding_model_info(const embed::EmbeddingModel& m) {
  ModelInfo info = session_model_info(m.path(), m.max_tokens(), std::chrono::steady_clock::now());
  info.load_seconds = 0;  // not known here, and not fed into any metric
  return info;
}

std::vector<ModelInfo> served_models(const ServerState& st) {
  std::vector<ModelInfo> out;
  auto add = [&out](ModelInfo m) {
    const bool seen = std::any_of(out.begin(), out.end(), [&](const ModelInfo& o) { return o.id == m.id; });
    if (!seen) out.push_back(std::move(m));
  };
  if (st.backend) {
    add(st.backend->info());
    if (st.grounding) {  // RAG aliases are models to clients (server/grounding.h)
      for (const auto& a : st.grounding->aliases()) {
        ModelInfo alias = st.backend->info();
        alias.id = a.name;
        add(std::move(alias));
      }
    }
  }
  if (st.embedder) add(embedding_model_info(st.embedder->model()));
  if (st.reranker) add(embedding_model_info(st.reranker->model()));
  return out;
}

std::optional<ApiError> check_requested_model(const std::string& requested, const embed::EmbeddingModel& m,
                                              const std::string& endpoint) {
  const std::string id = embedding_model_info(m).id;
  if (requested.empty() || requested == id || requested == m.model_id()) return std::nullopt;
  return ApiError::not_found("the model '" + requested + "' does not exist; " + endpoint + " on this server uses '" +
                                 id + "' (GET /v1/models lists them)",
                             "model", "model_not_found");
}

}  // namespace ls::server
