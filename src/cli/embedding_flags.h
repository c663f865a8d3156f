// `--embedding-model PATH` / `--rerank-model PATH` for the commands that use the knowledge base's
// vectors (kb, eval, ask): one GGUF embedding model (and reranker) loaded once and handed to
// kb::KnowledgeBase (`serve` shares its /v1/embeddings instance the same way).
#pragma once

#include <memory>
#include <string>

#include "kb/embedder.h"
#include "kb/reranker.h"
#include "util/error.h"

namespace ls::cli {

// "" -> null (no model).
Result<std::shared_ptr<kb::Embedder>> open_embedder(const std::string& path, int threads = 0);
Result<std::shared_ptr<kb::Reranker>> open_reranker(const std::string& path, int threads = 0);

}  // namespace ls::cli
