#include "cli/embedding_flags.h"

#include "embed/model_embedder.h"
#include "embed/model_reranker.h"

namespace ls::cli {

Result<std::shared_ptr<kb::Embedder>> open_embedder(const std::string& path, int threads) {
  if (path.empty()) return std::shared_ptr<kb::Embedder>();
  embed::LoadOptions load;
  load.n_threads = threads;
  LS_ASSIGN_OR_RETURN(auto e, embed::ModelEmbedder::open(path, load));
  return std::shared_ptr<kb::Embedder>(std::move(e));
}

Result<std::shared_ptr<kb::Reranker>> open_reranker(const std::string& path, int threads) {
  if (path.empty()) return std::shared_ptr<kb::Reranker>();
  embed::LoadOptions load;
  load.n_threads = threads;
  LS_ASSIGN_OR_RETURN(auto r, embed::ModelReranker::open(path, load));
  return std::shared_ptr<kb::Reranker>(std::move(r));
}

}  // namespace ls::cli
