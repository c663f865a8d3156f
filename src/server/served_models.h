// Every model this server answers for, as GET /v1/models lists them (OpenAI format): the chat
// model and its RAG aliases, the embedding model (--embedding-model) and the reranker
// (--rerank-model); and which of them a request's `model` field names.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "embed/embedding_model.h"
#include "server/api_error.h"
#include "server/backend.h"

namespace ls::server {

struct ServerState;

// An embedding or reranker model as a model object: id = the file's stem (what clients send),
// created = the file's mtime, context_length = the longest input it takes.
ModelInfo embedding_model_info(const embed::EmbeddingModel& m);

// In /v1/models order, ids unique (a file served both ways is listed once).
std::vector<ModelInfo> served_models(const ServerState& st);

// Null when `requested` is empty or names `m` (its served id, or its full id with the weights'
// digest); else the OpenAI 404 (model_not_found) that says which model `endpoint` serves.
std::optional<ApiError> check_requested_model(const std::string& requested, const embed::EmbeddingModel& m,
                                              const std::string& endpoint);

}  // namespace ls::server
