// A cpp-httplib server on a free 127.0.0.1 port, serving on its own thread, for tests that need a
// web site to fetch from (kb URL ingestion, the RAG web search fakes). Register the routes on
// routes(), then start(); the destructor stops the server and joins its thread, so declare it
// after every member its handlers use (members die in reverse order).
#pragma once

#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

namespace ls::test {

class LoopbackHttpServer {
 public:
  LoopbackHttpServer() = default;
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;
  ~LoopbackHttpServer() {
    if (!thread_.joinable()) return;
    srv_.stop();
    thread_.join();
  }

  httplib::Server& routes() { return srv_; }

  // Binds a free port and returns once the server accepts connections.
  void start() {
    port_ = srv_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { srv_.listen_after_bind(); });
    while (!srv_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  int port() const { return port_; }
  // `host` may name the loopback differently ("localhost") for tests of host allow-lists.
  std::string url(const std::string& path, const std::string& host = "127.0.0.1") const {
    return "http://" + host + ":" + std::to_string(port_) + path;
  }

 private:
  httplib::Server srv_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace ls::test
