// The HTTP side of `localseek serve`: cpp-httplib set up with limits, access control, metrics and
// the route tables, plus the lifecycle (bind, serve, drain, stop) the CLI drives.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "server/backend.h"
#include "server/server_config.h"
#include "server/server_state.h"
#include "util/error.h"

namespace httplib {
class Server;
}

namespace ls::server {

class HttpServer {
 public:
  // `backend` may be null (--no-model): generation endpoints then answer 503; likewise `kb`.
  HttpServer(ServerConfig config, std::shared_ptr<Backend> backend,
             std::shared_ptr<kb::KnowledgeBase> kb = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port (port 0: a free one) and returns the port.
  Result<int> bind();
  // Serves until stop(); call after bind(), typically on its own thread. Returns at once when
  // stop() came first.
  void serve();
  // Graceful shutdown, step 1: /ready turns 503, new and queued generations get 503, running ones
  // go on. Step 2: wait_idle() until they finished and their responses are written (or the time
  // is up). Step 3: stop().
  void start_draining();
  bool wait_idle(std::chrono::milliseconds limit);
  // Safe at any point, also while serve() is still starting on another thread (cpp-httplib's own
  // stop() is a no-op until its accept loop runs, which would leave serve() listening forever).
  void stop();

  ServerState& state() { return *state_; }
  int port() const { return port_; }

 private:
  void install_hooks();

  std::unique_ptr<ServerState> state_;
  std::unique_ptr<httplib::Server> http_;
  int port_ = -1;
  bool stopped_ = false;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> serving_{false};  // serve() is between entry and return
};

}  // namespace ls::server
