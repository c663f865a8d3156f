// What every route handler shares: the configuration, the engine (null with --no-model), the
// knowledge base, metrics, the admission queue, access control and the draining flag.
#pragma once

#include <atomic>
#include <memory>

#include "embed/model_embedder.h"
#include "embed/model_reranker.h"
#include "kb/knowledge_base.h"
#include "server/access_control.h"
#include "server/admission_queue.h"
#include "server/backend.h"
#include "server/embedding_metrics.h"
#include "server/grounding.h"
#include "server/server_config.h"
#include "server/server_metrics.h"
#include "server/sync_scheduler.h"

namespace ls::server {

struct ServerState {
  ServerState(ServerConfig c, std::shared_ptr<Backend> b, std::shared_ptr<kb::KnowledgeBase> k)
      : config(std::move(c)),
        backend(std::move(b)),
        kb(std::move(k)),
        queue(config.parallel, config.queue_max),
        embed_queue(1, config.queue_max),
        rerank_queue(1, config.queue_max),
        keys(config.api_keys),
        cors(config.cors_origins) {}

  ServerConfig config;
  std::shared_ptr<Backend> backend;
  std::shared_ptr<kb::KnowledgeBase> kb;  // null: knowledge-base endpoints answer 503
  ServerMetrics metrics;
  EmbeddingMetrics embed_metrics{metrics.registry};
  // --embedding-model / --rerank-model; null: /v1/embeddings, /v1/rerank answer 501.
  std::shared_ptr<embed::ModelEmbedder> embedder;
  std::shared_ptr<embed::ModelReranker> reranker;
  AdmissionQueue queue;
  // Each embedding model runs one batch at a time: one running, --queue-max waiting, per model
  // (routes_embedding.cpp), apart from generation's queue.
  AdmissionQueue embed_queue;
  AdmissionQueue rerank_queue;
  ApiKeys keys;
  CorsPolicy cors;
  std::atomic<bool> draining{false};
  // Generation requests between routing and the last byte of their response: a drain waits for
  // these, not only for the admission slots (released before the final bytes are written).
  std::atomic<int> generation_responses{0};
  std::shared_ptr<Grounding> grounding;
  std::unique_ptr<SyncScheduler> sync;  // with a knowledge base; its thread runs only when started  // grounded answers (rag); null: the extension is ignored
};

}  // namespace ls::server
