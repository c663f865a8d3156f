// Route tables of `localseek serve`, one file each; http_server.cpp wires them up.
#pragma once

#include <httplib.h>

#include "server/server_state.h"

namespace ls::server {

// /health, /ready, /metrics, /v1/models, /tokenize, /detokenize.
void add_system_routes(httplib::Server& http, ServerState& state);
// /v1/chat/completions and /v1/completions.
void add_generation_routes(httplib::Server& http, ServerState& state);
// /v1/embeddings, /v1/rerank (and /rerank): the embedding and reranker models (routes_embedding.cpp).
void add_embedding_routes(httplib::Server& http, ServerState& state);
// /v1/kb/{collection}/documents…, /v1/kb/collections, /search.
void add_kb_routes(httplib::Server& http, ServerState& state);
// /v1/kb/sources, /v1/kb/sources/{id}/sync.
void add_kb_source_routes(httplib::Server& http, ServerState& state);

}  // namespace ls::server
