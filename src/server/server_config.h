// Everything `localseek serve` can be told on its command line, in one plain struct.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "server/openai_request.h"

namespace ls::server {

struct ServerConfig {
  std::string host = "127.0.0.1";  // loopback unless the user opens it up
  int port = 8080;                 // 0: any free port (tests)
  std::vector<std::string> api_keys;
  bool public_health = true;   // /health and /ready without a key
  bool public_metrics = true;  // /metrics without a key
  std::vector<std::string> cors_origins;  // empty: no CORS headers at all
  size_t max_body_bytes = 8u << 20;
  int parallel = 1;     // generations running at once
  int queue_max = 16;   // generations waiting beyond those
  double timeout_seconds = 600;  // per generation request, queue wait included
  double drain_seconds = 30;     // how long shutdown waits for running requests
  int http_threads = 0;          // 0: parallel + queue_max + a margin for cheap endpoints
  std::string data_dir = "./localseek-data";  // knowledge base folder; empty: none
  ReasoningFormat reasoning_format = ReasoningFormat::kDeepseek;
  // Sampling when the request sets none: DeepSeek-R1's recommendation.
  double default_temperature = 0.6;
  double default_top_p = 0.95;
  RequestLimits limits;
};

}  // namespace ls::server
