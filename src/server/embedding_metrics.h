// Metrics of /v1/embeddings and /v1/rerank (localseek_embedding_*, localseek_rerank_*), registered
// in the server's registry next to the generation metrics.
#pragma once

#include "server/metrics_registry.h"

namespace ls::server {

struct EmbeddingMetrics {
  explicit EmbeddingMetrics(MetricsRegistry& registry);

  Histogram& embedding_latency;  // seconds per /v1/embeddings request (successful)
  Counter& embedding_texts;      // inputs embedded
  Counter& embedding_tokens;     // tokens evaluated for them
  Counter& embedding_errors;
  Counter& embedding_rejected;   // 429: the embedding queue was full
  Histogram& rerank_latency;     // seconds per /v1/rerank request (successful)
  Counter& rerank_documents;     // (query, document) pairs scored
  Counter& rerank_tokens;
  Counter& rerank_errors;
  Counter& rerank_rejected;
};

}  // namespace ls::server
