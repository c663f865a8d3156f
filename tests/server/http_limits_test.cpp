// Security and back-pressure over loopback: API keys, CORS, size limits, the queue and 429,
// cancellation when the client leaves, deadlines, draining, metrics.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "test_server.h"

namespace ls::server {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using test::sse_events;
using test::TestServer;

const char* kChat = R"({"messages":[{"role":"user","content":"hi"}]})";
const char* kStream = R"({"messages":[{"role":"user","content":"hi"}],"stream":true})";

Script slow_script(int delay_ms, int tokens) {
  Script s;
  s.model = "slow";
  s.reply = std::string(static_cast<size_t>(tokens), 'x');
  s.token_delay = std::chrono::milliseconds(delay_ms);
  return s;
}

template <class Pred>
// Generous limit: it only costs time when the test fails, and CI machines are slow and shared.
bool eventually(Pred pred, std::chrono::milliseconds limit = 30000ms) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

// A raw client that sends one request and hangs up without reading the answer, once `taken`
// says the server has it (running or queued), so the hang-up is what the server must notice.
template <class Pred>
void send_and_hang_up(int port, const std::string& body, Pred taken) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string req = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  ASSERT_EQ(send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  EXPECT_TRUE(eventually(taken));
  close(fd);
}

TEST(HttpAuth, KeysGuardV1EndpointsOnly) {
  ServerConfig cfg;
  cfg.api_keys = {"key-one", "key-two"};
  TestServer s(cfg);
  auto c = s.client();
  auto res = c->Get("/v1/models");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  json e = json::parse(res->body);
  EXPECT_EQ(e["error"]["type"], "authentication_error");
  EXPECT_EQ(e["error"]["code"], "invalid_api_key");
  EXPECT_EQ(c->Get("/v1/models", {{"Authorization", "Bearer wrong"}})->status, 401);
  EXPECT_EQ(c->Get("/v1/models", {{"Authorization", "Bearer key-two"}})->status, 200);
  EXPECT_EQ(c->Post("/v1/chat/completions", {{"Authorization", "Bearer key-one"}}, kChat,
                    "application/json")->status, 200);
  EXPECT_EQ(c->Post("/tokenize", R"({"content":"a"})", "application/json")->status, 401);
  // Unknown routes under /v1 do not reveal themselves without a key.
  EXPECT_EQ(c->Get("/v1/nothing")->status, 401);
  EXPECT_EQ(c->Get("/health")->status, 200);
  EXPECT_EQ(c->Get("/ready")->status, 200);
  EXPECT_EQ(c->Get("/metrics")->status, 200);
}

TEST(HttpAuth, HealthAndMetricsCanRequireTheKey) {
  ServerConfig cfg;
  cfg.api_keys = {"k"};
  cfg.public_health = false;
  cfg.public_metrics = false;
  TestServer s(cfg);
  auto c = s.client();
  EXPECT_EQ(c->Get("/health")->status, 401);
  EXPECT_EQ(c->Get("/ready")->status, 401);
  EXPECT_EQ(c->Get("/metrics")->status, 401);
  EXPECT_EQ(c->Get("/metrics", {{"Authorization", "Bearer k"}})->status, 200);
}

TEST(HttpCors, OffByDefault) {
  TestServer s;
  auto c = s.client();
  auto res = c->Get("/v1/models", {{"Origin", "http://evil.example"}});
  ASSERT_TRUE(res);
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));
  auto pre = c->Options("/v1/chat/completions", {{"Origin", "http://evil.example"},
                                                 {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(pre);
  EXPECT_EQ(pre->status, 403);
  EXPECT_FALSE(pre->has_header("Access-Control-Allow-Origin"));
}

TEST(HttpCors, AllowListAndPreflight) {
  ServerConfig cfg;
  cfg.cors_origins = {"http://app.example"};
  cfg.api_keys = {"k"};
  TestServer s(cfg);
  auto c = s.client();
  // Preflight carries no credentials and must still pass.
  auto pre = c->Options("/v1/chat/completions",
                        {{"Origin", "http://app.example"},
                         {"Access-Control-Request-Method", "POST"},
                         {"Access-Control-Request-Headers", "authorization,content-type"}});
  ASSERT_TRUE(pre);
  EXPECT_EQ(pre->status, 204);
  EXPECT_EQ(pre->get_header_value("Access-Control-Allow-Origin"), "http://app.example");
  EXPECT_NE(pre->get_header_value("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_EQ(pre->get_header_value("Access-Control-Allow-Headers"), "authorization,content-type");
  auto res = c->Get("/v1/models", {{"Origin", "http://app.example"}, {"Authorization", "Bearer k"}});
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "http://app.example");
  // Even an error (401) carries the CORS header, so the browser can show it.
  auto denied = c->Get("/v1/models", {{"Origin", "http://app.example"}});
  EXPECT_EQ(denied->status, 401);
  EXPECT_EQ(denied->get_header_value("Access-Control-Allow-Origin"), "http://app.example");
  auto other = c->Get("/v1/models", {{"Origin", "http://other.example"}, {"Authorization", "Bearer k"}});
  EXPECT_FALSE(other->has_header("Access-Control-Allow-Origin"));
}

TEST(HttpLimits, BodyOverTheLimitIs413) {
  ServerConfig cfg;
  cfg.max_body_bytes = 4096;
  TestServer s(cfg);
  auto c = s.client();
  const std::string big = R"({"messages":[{"role":"user","content":")" + std::string(5000, 'a') + R"("}]})";
  auto res = c->Post("/v1/chat/completions", big, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  json e = json::parse(res->body);
  EXPECT_EQ(e["error"]["code"], "request_too_large");
  const std::string fits = R"({"messages":[{"role":"user","content":")" + std::string(1000, 'a') + R"("}]})";
  EXPECT_EQ(c->Post("/v1/chat/completions", fits, "application/json")->status, 200);
}

TEST(HttpLimits, TooManyHeadersIs431) {
  TestServer s;
  auto c = s.client();
  httplib::Headers h;
  for (int i = 0; i < 150; ++i) h.emplace("X-Filler-" + std::to_string(i), "v");
  auto res = c->Get("/health", h);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 431);
}

TEST(HttpQueue, FullQueueAnswers429WithRetryAfter) {
  ServerConfig cfg;
  cfg.parallel = 1;
  cfg.queue_max = 1;
  TestServer s(cfg, slow_script(20, 25));  // ~0.5 s per request
  std::atomic<int> ok{0};
  std::thread running([&] { ok += s.client()->Post("/v1/chat/completions", kChat, "application/json")->status == 200; });
  ASSERT_TRUE(eventually([&] { return s.server().state().queue.running() == 1; }));
  std::thread queued([&] { ok += s.client()->Post("/v1/chat/completions", kChat, "application/json")->status == 200; });
  ASSERT_TRUE(eventually([&] { return s.server().state().queue.waiting() == 1; }));
  auto res = s.client()->Post("/v1/chat/completions", kChat, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(res->get_header_value("Retry-After"), "1");
  json e = json::parse(res->body);
  EXPECT_EQ(e["error"]["type"], "rate_limit_error");
  running.join();
  queued.join();
  EXPECT_EQ(ok, 2);  // the queued one ran after the first, nothing was lost
  const std::string metrics = s.client()->Get("/metrics")->body;
  EXPECT_NE(metrics.find("localseek_queue_rejections_total 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("localseek_http_requests_total{endpoint=\"/v1/chat/completions\",status=\"429\"} 1"),
            std::string::npos);
}

TEST(HttpCancel, StreamingClientThatStopsReadingCancelsTheGeneration) {
  TestServer s({}, slow_script(20, 500));  // 10 s if nobody cancels
  const auto start = std::chrono::steady_clock::now();
  auto c = s.client();
  httplib::Request req;
  req.method = "POST";
  req.path = "/v1/chat/completions";
  req.body = kStream;
  req.set_header("Content-Type", "application/json");
  int chunks = 0;
  // The official clients abort a stream the same way: stop reading and close the socket.
  req.content_receiver = [&](const char*, size_t, uint64_t, uint64_t) { return ++chunks < 3; };
  httplib::Response res;
  httplib::Error err = httplib::Error::Success;
  c->send(req, res, err);
  EXPECT_EQ(chunks, 3);
  EXPECT_TRUE(eventually([&] { return s.backend().cancellations() == 1; }));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(eventually([&] { return s.server().state().queue.running() == 0; }));
  EXPECT_TRUE(eventually([&] {
    return c->Get("/metrics")->body.find("localseek_cancelled_requests_total 1\n") != std::string::npos;
  }));
}

TEST(HttpCancel, ClientThatHangsUpCancelsTheGeneration) {
  TestServer s({}, slow_script(20, 500));  // 10 s if nobody cancels
  const auto start = std::chrono::steady_clock::now();
  send_and_hang_up(s.port(), kChat, [&] { return s.backend().submissions() == 1; });
  EXPECT_TRUE(eventually([&] { return s.backend().cancellations() == 1; }));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(eventually([&] { return s.server().state().queue.running() == 0; }));
  send_and_hang_up(s.port(), kStream, [&] { return s.backend().submissions() == 2; });
  EXPECT_TRUE(eventually([&] { return s.backend().cancellations() == 2; }));
  EXPECT_TRUE(eventually([&] { return s.server().state().queue.running() == 0; }));
}

TEST(HttpCancel, QueuedClientThatHangsUpLeavesTheQueue) {
  ServerConfig cfg;
  cfg.parallel = 1;
  cfg.queue_max = 4;
  TestServer s(cfg, slow_script(20, 30));
  std::thread running([&] { s.client()->Post("/v1/chat/completions", kChat, "application/json"); });
  ASSERT_TRUE(eventually([&] { return s.server().state().queue.running() == 1; }));
  send_and_hang_up(s.port(), kChat, [&] { return s.server().state().queue.waiting() == 1; });
  EXPECT_TRUE(eventually([&] { return s.server().state().queue.waiting() == 0; }, 10000ms));
  running.join();
  EXPECT_EQ(s.backend().submissions(), 1);  // the one that left never reached the engine
}

TEST(HttpTimeout, DeadlineCancelsAndAnswers504) {
  ServerConfig cfg;
  cfg.timeout_seconds = 0.3;
  TestServer s(cfg, slow_script(20, 200));
  auto c = s.client();
  const auto start = std::chrono::steady_clock::now();
  auto res = c->Post("/v1/chat/completions", kChat, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 504);
  EXPECT_EQ(json::parse(res->body)["error"]["type"], "timeout_error");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  auto st = c->Post("/v1/chat/completions", kStream, "application/json");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->status, 200);
  auto events = sse_events(st->body);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back()["error"]["type"], "timeout_error");
  EXPECT_EQ(s.backend().cancellations(), 2);
}

TEST(HttpDrain, ReadyTurns503AndRunningRequestsFinish) {
  TestServer s({}, slow_script(20, 20));
  std::atomic<int> status{0};
  std::string body;
  std::thread running([&] {
    auto r = s.client()->Post("/v1/chat/completions", kChat, "application/json");
    status = r ? r->status : -1;
    if (r) body = r->body;
  });
  ASSERT_TRUE(eventually([&] { return s.server().state().queue.running() == 1; }));
  s.server().start_draining();
  auto c = s.client();
  EXPECT_EQ(c->Get("/ready")->status, 503);
  EXPECT_EQ(c->Get("/health")->status, 200);  // alive while draining
  EXPECT_EQ(c->Post("/v1/chat/completions", kChat, "application/json")->status, 503);
  EXPECT_TRUE(s.server().wait_idle(5000ms));
  running.join();
  EXPECT_EQ(status, 200);
  EXPECT_EQ(json::parse(body)["choices"][0]["message"]["content"], std::string(20, 'x'));
}

TEST(HttpMetrics, CountsRequestsTokensAndLatency) {
  TestServer s({}, slow_script(0, 6));
  auto c = s.client();
  c->Post("/v1/chat/completions", kChat, "application/json");
  c->Post("/v1/chat/completions", kStream, "application/json");
  c->Post("/v1/chat/completions", "{", "application/json");
  // Counters and histograms are updated after the last byte went out, so the client may be faster:
  // wait until every expected line is there (the assertions below then say which one is missing).
  const std::vector<std::string> want = {
      "localseek_http_requests_total{endpoint=\"/v1/chat/completions\",status=\"200\"} 2",
      "localseek_http_requests_total{endpoint=\"/v1/chat/completions\",status=\"400\"} 1",
      "localseek_generated_tokens_total 12\n",
      "localseek_prompt_tokens_total 10\n",
      "localseek_cached_prompt_tokens_total 5\n",
      "localseek_time_to_first_token_seconds_count 2\n",
      "localseek_inter_token_latency_seconds_count 10\n",
      "localseek_request_duration_seconds_count{endpoint=\"/v1/chat/completions\"} 2\n",
      "localseek_requests_running 0\n",
      "localseek_model_loaded 1\n",
  };
  std::string m;
  EXPECT_TRUE(eventually([&] {
    m = c->Get("/metrics")->body;
    for (const auto& w : want)
      if (m.find(w) == std::string::npos) return false;
    return true;
  })) << m;
  for (const auto& w : want) EXPECT_NE(m.find(w), std::string::npos) << w;
  EXPECT_EQ(c->Get("/metrics")->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace
}  // namespace ls::server
