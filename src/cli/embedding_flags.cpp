#include "cli/embedding_flags.h"

#include "embed/model_embedder.h"
#include "embed/model_reranker.h"

namespace ls::cli {

namespace {

// The model at `path` behind the knowledge base's interface for it, or none when no path was given.
template <class Interface, class Model>
Result<std::shared_ptr<Interface>> open_optional(const std::string& path, int threads) {
  if (path.empty()) return std::shared_ptr<Interface>();
  embed::LoadOptions load;
  load.n_threads = threads;
  LS_ASSIGN_OR_RETURN(auto m, Model::open(path, load));
  return std::shared_ptr<Interface>(std::move(m));
}

}  // namespace

Result<std::shared_ptr<kb::Embedder>> open_embedder(const std::string& path, int threads) {
  return open_optional<kb::Embedder, embed::ModelEmbedder>(path, threads);
}

Result<std::shared_ptr<kb::Reranker>> open_reranker(const std::string& path, int threads) {
  return open_optional<kb::Reranker, embed::ModelReranker>(path, threads);
}

}  // namespace ls::cli
