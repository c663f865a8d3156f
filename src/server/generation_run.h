// Runs one generation for the HTTP thread that owns the request: hands tokens from the engine's
// thread to a per-request sink, and cancels the engine when the client leaves, the sink fails, or
// the deadline passes. Feeds the latency and token metrics on the way.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "server/backend.h"
#include "server/connection_probe.h"
#include "server/server_metrics.h"

namespace ls::server {

struct RunContext {
  std::chrono::steady_clock::time_point arrival;   // for time-to-first-token
  std::chrono::steady_clock::time_point deadline;  // --timeout
  const ConnectionProbe* probe = nullptr;          // null: never treat the client as gone
  ServerMetrics* metrics = nullptr;
  std::chrono::milliseconds poll{20};              // how often to look at the client and the clock
};

struct RunOutcome {
  GenerationDone done;
  bool timed_out = false;
  bool client_gone = false;  // the probe said so or the sink failed
};

class GenerationRun {
 public:
  // Submits; an engine refusal (prompt too long, bad parameter) comes back before any byte of
  // the response is written, so it can still be a proper 4xx.
  static Result<std::unique_ptr<GenerationRun>> start(Backend& backend, GenerationRequest request);
  ~GenerationRun();

  // Delivers tokens to `on_token` (false = could not deliver) until the generation ends.
  RunOutcome pump(const RunContext& ctx, const std::function<bool(const TokenEvent&)>& on_token);

 private:
  struct Channel;
  GenerationRun() = default;
  std::shared_ptr<Channel> channel_;
  std::unique_ptr<Generation> generation_;
};

}  // namespace ls::server
