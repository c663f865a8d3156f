// Text -> vector interface shared by the knowledge base (chunk vectors, dense retrieval), the RAG
// pipeline (ranking web chunks) and the server's /v1/embeddings. Implemented by the GGUF embedding
// models (bert, qwen3); tests use kb/hashed_embedder.h, a deterministic test double.
#pragma once

#include <string>
#include <vector>

#include "util/error.h"

namespace ls::kb {

// Some models embed queries and documents differently (Qwen3-Embedding puts an instruction before
// queries only); the caller says which side a text is on.
enum class EmbedPurpose { kQuery, kDocument };

class Embedder {
 public:
  virtual ~Embedder() = default;
  // Stable name stored with a collection's vectors: a different id means the vectors are stale.
  virtual std::string model_id() const = 0;
  virtual int dimension() const = 0;
  // One vector of dimension() floats per text, in order. Callers batch; an empty input is valid.
  virtual Result<std::vector<std::vector<float>>> embed(const std::vector<std::string>& texts,
                                                        EmbedPurpose purpose) = 0;
};

}  // namespace ls::kb
