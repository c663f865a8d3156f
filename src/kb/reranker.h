// Cross-encoder reranking interface: scores (query, document) pairs jointly. Implemented by the
// GGUF reranker models (bge-reranker classification heads, Qwen3-Reranker); used by /v1/rerank and
// by `rerank: {model, top_n}` in knowledge-base search.
#pragma once

#include <string>
#include <vector>

#include "util/error.h"

namespace ls::kb {

class Reranker {
 public:
  virtual ~Reranker() = default;
  virtual std::string model_id() const = 0;
  // One relevance score per document, in input order; higher is more relevant.
  virtual Result<std::vector<float>> score(const std::string& query, const std::vector<std::string>& documents) = 0;
};

}  // namespace ls::kb
