#include "server/embedding_metrics.h"

#include <vector>

namespace ls::server {
namespace {

// Seconds: one short text on a small encoder (~1 ms) up to thousands of passages on a 0.6B decoder.
const std::vector<double> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

}  // namespace

EmbeddingMetrics::EmbeddingMetrics(MetricsRegistry& r)
    : embedding_latency(r.histogram("localseek_embedding_request_duration_seconds",
                                    "Duration of successful /v1/embeddings requests.", kBuckets)
                            .with({})),
      embedding_texts(r.counter("localseek_embedding_inputs_total", "Inputs (texts or token arrays) embedded.").with({})),
      embedding_tokens(r.counter("localseek_embedding_tokens_total", "Tokens evaluated for embeddings.").with({})),
      embedding_errors(r.counter("localseek_embedding_errors_total", "/v1/embeddings requests answered with an error.")
                           .with({})),
      embedding_rejected(r.counter("localseek_embedding_queue_rejections_total",
                                   "/v1/embeddings requests refused with 429 because the embedding queue was full.")
                             .with({})),
      rerank_latency(r.histogram("localseek_rerank_request_duration_seconds", "Duration of successful /v1/rerank requests.",
                                 kBuckets)
                         .with({})),
      rerank_documents(r.counter("localseek_rerank_documents_total", "Query-document pairs scored by the reranker.").with({})),
      rerank_tokens(r.counter("localseek_rerank_tokens_total", "Tokens evaluated for reranking.").with({})),
      rerank_errors(r.counter("localseek_rerank_errors_total", "/v1/rerank requests answered with an error.").with({})),
      rerank_rejected(r.counter("localseek_rerank_queue_rejections_total",
                                "/v1/rerank requests refused with 429 because the rerank queue was full.")
                          .with({})) {}

}  // namespace ls::server
