// The wire formats of POST /v1/embeddings (OpenAI) and POST /v1/rerank (llama-server / vLLM /
// Cohere style): parsing with OpenAI-style errors that name the field, and encoding the vectors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/api_error.h"

namespace ls::server {

struct EmbeddingLimits {
  size_t max_inputs = 2048;  // as OpenAI: items in one request
  int max_json_depth = 16;
};

struct EmbeddingRequest {
  std::string model;  // empty: the loaded embedding model
  // Each input is text or token ids (already the model's input; no special tokens added).
  std::vector<std::variant<std::string, std::vector<int32_t>>> inputs;
  bool base64 = false;              // encoding_format
  std::optional<int> dimensions;    // truncate (Matryoshka) and renormalise
  bool query = false;               // extension "input_type": "query" (instruction prefix)
  bool truncate = false;            // extension: cut over-long inputs instead of failing
};

struct RerankRequest {
  std::string model;
  std::string query;
  std::vector<std::string> documents;
  std::optional<int> top_n;
  bool return_documents = true;
};

ApiResult<EmbeddingRequest> parse_embedding_request(std::string_view body, const EmbeddingLimits& limits = {});
ApiResult<RerankRequest> parse_rerank_request(std::string_view body, const EmbeddingLimits& limits = {});

// Standard base64 of the floats as little-endian float32 (OpenAI's encoding_format "base64").
std::string base64_floats(const std::vector<float>& v);

}  // namespace ls::server
