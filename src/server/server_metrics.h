// The metrics `localseek serve` exposes on /metrics (all prefixed localseek_). The engine's KV-pool
// and prefix-cache figures are read from the backend at each scrape (observe_engine).
#pragma once

#include <string>

#include "server/backend.h"
#include "server/metrics_registry.h"

namespace ls::server {

struct ServerMetrics {
  ServerMetrics();

  MetricsRegistry registry;
  MetricFamily<Counter>& requests;            // {endpoint, status}
  MetricFamily<Histogram>& time_to_first_token;
  MetricFamily<Histogram>& inter_token_latency;
  MetricFamily<Histogram>& request_latency;   // end to end, {endpoint}
  MetricFamily<Histogram>& queue_wait;
  Counter& prompt_tokens;
  Counter& generated_tokens;
  Counter& cached_tokens;
  Counter& rejected_queue_full;
  Counter& cancelled;
  Gauge& running;
  Gauge& waiting;
  Gauge& model_load_seconds;
  Gauge& model_loaded;
  Gauge& kv_pool_used_ratio;
  Gauge& prefix_cache_hit_ratio;
  // The paged pool of the batched engine (zero for engines without one).
  MetricFamily<Gauge>& kv_pool_pages;  // {state: referenced | cached | free}
  Gauge& kv_pool_page_size;
  Counter& prefix_cache_hits;          // pages
  Counter& prefix_cache_misses;        // pages
  Counter& prefix_cache_evictions;     // pages
  Counter& preemptions;                // sequences

  // Copies the backend's current KV figures into the gauges and counters above.
  void observe_engine(const Backend& backend);
};

// The endpoint label for a request path: route names, never raw ids (bounded label cardinality).
std::string endpoint_label(const std::string& method, const std::string& path);

}  // namespace ls::server
