// The serving load benchmark behind `localseek bench-serve`: for each concurrency level, that many
// clients stream chat completions at once against a running server (real HTTP on loopback, any
// OpenAI-compatible server), each with its own prompt of about the asked token count. Reported
// per level: generated tokens per second over the level's wall time, time to first token and
// inter-token latency percentiles, and failures (which must be zero).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/chat_stream_client.h"
#include "util/error.h"

namespace ls::server {

struct ServeBenchOptions {
  Endpoint endpoint;
  std::string model;                     // empty: the first of /v1/models
  std::vector<int> concurrency = {1, 4, 16};
  int prompt_tokens = 70;                // whole rendered prompt, chat template included
  int max_tokens = 32;
  int requests_per_client = 1;
  bool warmup = true;                    // one unmeasured request first (also sizes the prompts)
  double temperature = 0;                // greedy: every run generates the same amount of text
};

// Nearest-rank percentile (p in 0..100) of unsorted samples; 0 for none.
double percentile(std::vector<double> samples, double p);

struct LevelResult {
  int concurrency = 0;
  int requests = 0;
  int failed = 0;
  std::string first_error;
  double wall_s = 0;
  long generated_tokens = 0;
  double tokens_per_s = 0;
  double mean_prompt_tokens = 0;
  double ttft_p50_s = 0, ttft_p99_s = 0;
  double itl_p50_s = 0, itl_p99_s = 0, itl_max_s = 0;
};

struct ServeBenchReport {
  std::string model;
  int prompt_words = 0;  // per prompt, chosen to meet prompt_tokens
  std::vector<LevelResult> levels;
  nlohmann::ordered_json to_json(const ServeBenchOptions& o) const;
  std::string table() const;
};

// The prompt of request `n`: distinct words per request (no shared prefix for a cache to reuse).
std::string bench_prompt(int n, int words);

// Progress lines (e.g. "concurrency 4: 4 requests") go to `log` when set.
Result<ServeBenchReport> run_serve_bench(const ServeBenchOptions& options,
                                         const std::function<void(const std::string&)>& log = {});

}  // namespace ls::server
