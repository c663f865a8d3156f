// An in-process `localseek serve` on a free loopback port with the scripted engine, for tests.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/http_server.h"
#include "server/scripted_backend.h"

namespace ls::server::test {

class TestServer {
 public:
  explicit TestServer(ServerConfig config = {}, Script script = {}, bool with_model = true,
                      std::shared_ptr<kb::KnowledgeBase> knowledge = nullptr) {
    config.host = "127.0.0.1";
    config.port = 0;
    if (with_model) backend_ = std::make_shared<ScriptedBackend>(std::move(script));
    server_ = std::make_unique<HttpServer>(config, backend_, std::move(knowledge));
    auto port = server_->bind();
    if (!port.ok()) throw std::runtime_error(port.error().message);
    port_ = *port;
    thread_ = std::thread([this] { server_->serve(); });
  }
  ~TestServer() {
    server_->stop();
    thread_.join();
  }

  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    c->set_read_timeout(20, 0);
    c->set_keep_alive(false);
    return c;
  }
  int port() const { return port_; }
  HttpServer& server() { return *server_; }
  ScriptedBackend& backend() { return *backend_; }

 private:
  std::shared_ptr<ScriptedBackend> backend_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
};

// The JSON payloads of an SSE body ("data: …\n\n" events); "[DONE]" comes back as a string.
inline std::vector<nlohmann::json> sse_events(const std::string& body, bool* framing_ok = nullptr) {
  std::vector<nlohmann::json> out;
  bool ok = true;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find("\n\n", pos);
    if (end == std::string::npos) {
      ok = false;
      break;
    }
    std::string event = body.substr(pos, end - pos);
    pos = end + 2;
    if (event.rfind("data: ", 0) != 0) {
      ok = false;
      continue;
    }
    std::string data = event.substr(6);
    if (data == "[DONE]") out.emplace_back("[DONE]");
    else out.push_back(nlohmann::json::parse(data, nullptr, false));
  }
  if (framing_ok != nullptr) *framing_ok = ok;
  return out;
}

}  // namespace ls::server::test
