// An in-process `localseek serve` on the batched CPU engine (BatchBackend) with the small trained
// scifact model, on a free loopback port, for tests that talk real HTTP to it.
#pragma once

#include <httplib.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "server/batch_backend.h"
#include "server/http_server.h"
#include "test_support.h"

namespace ls::server::test {

inline constexpr const char* kBatchModel = "models/scifact-lm-q8_0.gguf";
inline constexpr const char* kR1Template = "templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja";

struct ServerSetup {
  int parallel = 16;
  int n_ctx = 512;
  int pool_tokens = 0;
  int prefill_chunk = 32;
  bool prefix_cache = true;
  std::string chat_template;
  double timeout_seconds = 600;
  int queue_max = 32;
};

class BatchServer {
 public:
  using json = nlohmann::json;
  using Clock = std::chrono::steady_clock;

  explicit BatchServer(const ServerSetup& setup = {}) {
    BatchBackendOptions o;
    o.session.model_path = ls::test::shared_path(kBatchModel);
    o.session.chat_template_path = setup.chat_template;
    o.engine.n_threads = 2;
    o.engine.max_running = setup.parallel;
    o.engine.n_ctx = setup.n_ctx;
    o.engine.pool_tokens = setup.pool_tokens;
    o.engine.prefill_chunk = setup.prefill_chunk;
    o.engine.prefix_cache = setup.prefix_cache;
    auto b = BatchBackend::open(o);
    if (!b.ok()) throw std::runtime_error(b.error().message);
    backend_ = *b;
    ServerConfig cfg;
    cfg.host = "127.0.0.1";
    cfg.port = 0;
    cfg.parallel = setup.parallel;
    cfg.queue_max = setup.queue_max;
    cfg.timeout_seconds = setup.timeout_seconds;
    server_ = std::make_unique<HttpServer>(cfg, backend_);
    port_ = *server_->bind();
    thread_ = std::thread([this] { server_->serve(); });
  }
  ~BatchServer() {
    server_->stop();
    thread_.join();
  }
  json post(const std::string& path, const json& body, int expect = 200) {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(120, 0);
    const auto t0 = Clock::now();
    auto res = c.Post(path.c_str(), body.dump(), "application/json");
    EXPECT_TRUE(res) << httplib::to_string(res.error()) << " after "
                     << std::chrono::duration<double>(Clock::now() - t0).count() << " s";
    if (!res) return nullptr;
    EXPECT_EQ(res->status, expect) << res->body;
    return json::parse(res->body, nullptr, false);
  }
  std::string completion(const std::string& prompt, int max_tokens) {
    json r = post("/v1/completions", {{"prompt", prompt}, {"max_tokens", max_tokens}, {"temperature", 0}});
    return r.is_object() && r.contains("choices") ? r["choices"][0]["text"].get<std::string>() : "<error>";
  }
  std::string metrics() {
    httplib::Client c("127.0.0.1", port_);
    auto res = c.Get("/metrics");
    return res ? res->body : "";
  }
  int port() const { return port_; }
  BatchBackend& backend() { return *backend_; }
  HttpServer& server() { return *server_; }

  // Waits (up to `limit`) until `done` holds for the engine's stats.
  bool wait_for(const std::function<bool(const BatchBackend::Stats&)>& done,
                std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    const auto until = Clock::now() + limit;
    while (Clock::now() < until) {
      if (done(backend_->stats())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return done(backend_->stats());
  }
  // Waits until the engine holds no pages and runs nothing.
  bool settles() {
    return wait_for([](const BatchBackend::Stats& s) { return s.pages_referenced == 0 && s.running == 0 && s.waiting == 0; });
  }

 private:
  std::shared_ptr<BatchBackend> backend_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
};

// The value of one sample line of a Prometheus text exposition ("name{labels} value"); -1 when absent.
inline double metric_value(const std::string& text, const std::string& series) {
  const std::string key = series + " ";
  size_t pos = 0;
  while ((pos = text.find(key, pos)) != std::string::npos) {
    if (pos == 0 || text[pos - 1] == '\n') return std::stod(text.substr(pos + key.size()));
    pos += key.size();
  }
  return -1;
}

}  // namespace ls::server::test
