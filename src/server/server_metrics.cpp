#include "server/server_metrics.h"

#include <array>

namespace ls::server {
namespace {

// Seconds. From a fast token on a small model to a long answer queued behind others.
const std::vector<double> kLatencyBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                             0.5,   1,      2.5,   5,    10,    30,   60,  120};
const std::vector<double> kTokenGapBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                              0.05,   0.1,   0.25,   0.5,   1,    2.5};

}  // namespace

ServerMetrics::ServerMetrics()
    : requests(registry.counter("localseek_http_requests_total",
                                "HTTP requests answered, by endpoint and status code.",
                                {"endpoint", "status"})),
      time_to_first_token(registry.histogram(
          "localseek_time_to_first_token_seconds",
          "Time from request arrival (including queue wait) to the first generated token.",
          kLatencyBuckets)),
      inter_token_latency(registry.histogram("localseek_inter_token_latency_seconds",
                                             "Time between consecutive generated tokens.",
                                             kTokenGapBuckets)),
      request_latency(registry.histogram("localseek_request_duration_seconds",
                                         "End-to-end duration of generation requests.",
                                         kLatencyBuckets, {"endpoint"})),
      queue_wait(registry.histogram("localseek_queue_wait_seconds",
                                    "Time generation requests waited for a free slot.",
                                    kLatencyBuckets)),
      prompt_tokens(registry.counter("localseek_prompt_tokens_total",
                                     "Prompt tokens processed.").with({})),
      generated_tokens(registry.counter("localseek_generated_tokens_total",
                                        "Tokens generated.").with({})),
      cached_tokens(registry.counter("localseek_cached_prompt_tokens_total",
                                     "Prompt tokens served from the prefix cache.").with({})),
      rejected_queue_full(registry.counter("localseek_queue_rejections_total",
                                           "Generation requests refused with 429 because the "
                                           "queue was full.").with({})),
      cancelled(registry.counter("localseek_cancelled_requests_total",
                                 "Generations cancelled (client gone or deadline passed).").with({})),
      running(registry.gauge("localseek_requests_running",
                             "Generation requests running now.").with({})),
      waiting(registry.gauge("localseek_requests_waiting",
                             "Generation requests waiting in the queue now.").with({})),
      model_load_seconds(registry.gauge("localseek_model_load_seconds",
                                        "Time it took to load the model.").with({})),
      model_loaded(registry.gauge("localseek_model_loaded",
                                  "1 when a model is loaded and serving.").with({})),
      kv_pool_used_ratio(registry.gauge("localseek_kv_pool_used_ratio",
                                        "Fraction of the KV cache in use by sequences (pages they "
                                        "reference; cached pages nobody holds are not counted, see "
                                        "localseek_kv_pool_pages).")
                             .with({})),
      prefix_cache_hit_ratio(registry.gauge("localseek_prefix_cache_hit_ratio",
                                            "Fraction of all prompt tokens so far that were "
                                            "served from the prefix cache.").with({})),
      kv_pool_pages(registry.gauge("localseek_kv_pool_pages",
                                   "KV pool pages by state: referenced (held by sequences), cached "
                                   "(prefix-cache pages nobody holds, reused or evicted on demand), free.",
                                   {"state"})),
      kv_pool_page_size(registry.gauge("localseek_kv_pool_page_size_tokens",
                                       "Token positions per KV pool page.").with({})),
      prefix_cache_hits(registry.counter("localseek_prefix_cache_hits_total",
                                         "Prompt KV pages taken from the prefix cache when a sequence "
                                         "was admitted.").with({})),
      prefix_cache_misses(registry.counter("localseek_prefix_cache_misses_total",
                                           "Whole prompt KV pages before a prompt's last token that were "
                                           "not in the prefix cache and were computed.").with({})),
      prefix_cache_evictions(registry.counter("localseek_prefix_cache_evictions_total",
                                              "Cached KV pages evicted (least recently used first) to make "
                                              "room.").with({})),
      preemptions(registry.counter("localseek_preemptions_total",
                                   "Running sequences sent back to wait because the KV pool ran out "
                                   "(recomputed, mostly from the prefix cache, when there is room).")
                      .with({})) {
  // Label-less histograms show up (with zero counts) before the first request; so do the pool's
  // states.
  time_to_first_token.with({});
  inter_token_latency.with({});
  queue_wait.with({});
  for (const char* state : {"referenced", "cached", "free"}) kv_pool_pages.with({state});
}

void ServerMetrics::observe_engine(const Backend& backend) {
  if (auto kv = backend.kv_used_ratio()) kv_pool_used_ratio.set(*kv);
  const std::optional<KvPoolStats> pool = backend.kv_pool_stats();
  if (!pool) return;
  kv_pool_pages.with({"referenced"}).set(pool->pages_referenced);
  kv_pool_pages.with({"cached"}).set(pool->pages_cached);
  kv_pool_pages.with({"free"}).set(pool->pages_total - pool->pages_referenced - pool->pages_cached);
  kv_pool_page_size.set(pool->page_size);
  prefix_cache_hits.set_total(static_cast<double>(pool->prefix_hit_pages));
  prefix_cache_misses.set_total(static_cast<double>(pool->prefix_miss_pages));
  prefix_cache_evictions.set_total(static_cast<double>(pool->evictions));
  preemptions.set_total(static_cast<double>(pool->preemptions));
}

std::string endpoint_label(const std::string& method, const std::string& path) {
  static const std::array<const char*, 15> kExact = {
      "/v1/chat/completions", "/v1/completions", "/v1/models", "/v1/embeddings", "/v1/rerank", "/rerank",
      "/v1/reranking",
      "/tokenize", "/detokenize", "/health", "/ready", "/metrics", "/v1/search", "/search",
      "/v1/kb/search"};
  for (const char* e : kExact)
    if (path == e) return e;
  if (path.rfind("/v1/models/", 0) == 0) return "/v1/models/{id}";
  if (path.rfind("/v1/kb/", 0) == 0) {
    auto docs = path.find("/documents");
    if (docs == std::string::npos) return "/v1/kb/other";
    return path.size() == docs + 10 ? "/v1/kb/{collection}/documents"
                                    : "/v1/kb/{collection}/documents/{id}";
  }
  if (method == "OPTIONS") return "preflight";
  return "other";
}

}  // namespace ls::server
