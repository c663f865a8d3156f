#include "cli/embedding_flags.h"

namespace ls::cli {

// Until the GGUF embedding models (src/embed) are in the tree, a given path is refused clearly.
Result<std::shared_ptr<kb::Embedder>> open_embedder(const std::string& path, int) {
  if (path.empty()) return std::shared_ptr<kb::Embedder>();
  return Error::unsupported(path + ": embedding models are not in this build yet");
}

Result<std::shared_ptr<kb::Reranker>> open_reranker(const std::string& path, int) {
  if (path.empty()) return std::shared_ptr<kb::Reranker>();
  return Error::unsupported(path + ": reranker models are not in this build yet");
}

}  // namespace ls::cli
