// The batched engine's request lifecycle over loopback HTTP (BatchBackend, the default `serve`
// engine, with the small scifact model): the per-request deadline (--timeout) for a request still
// in the admission queue, one waiting inside the engine for KV pages, and one decoding; a drain that
// lets running requests finish, refuses new and queued ones with 503 and turns /ready false; a
// client that hangs up mid-stream, seen on the KV pool gauge. Generations that must outlast a
// deadline run with ignore_eos over a context far longer than the deadline allows them to fill;
// every wait is for a state, bounded, never a fixed sleep.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>

#include "batch_server.h"
#include "test_server.h"

namespace ls::server {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using test::BatchServer;
using test::metric_value;
using test::ServerSetup;

constexpr int kLongCtx = 32768;  // KV of the scifact model: 1 KiB per position

// Deadlines must leave room for the work before them (tokenizing a 32k-token prompt, the first
// step), which an ASan/UBSan build does several times slower.
#if defined(__SANITIZE_ADDRESS__)
constexpr double kSlowBuild = 5;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr double kSlowBuild = 5;
#else
constexpr double kSlowBuild = 1;
#endif
#else
constexpr double kSlowBuild = 1;
#endif

// A streaming completion on its own thread: the events it got so far, when the first token came.
class Stream {
 public:
  Stream(int port, json body) {
    body["stream"] = true;
    thread_ = std::thread([this, port, body] {
      httplib::Client c("127.0.0.1", port);
      c.set_read_timeout(120, 0);
      httplib::Request req;
      req.method = "POST";
      req.path = "/v1/completions";
      req.body = body.dump();
      req.set_header("Content-Type", "application/json");
      req.content_receiver = [this](const char* data, size_t n, uint64_t, uint64_t) {
        std::lock_guard lock(mu_);
        body_.append(data, n);
        if (!first_.load() && body_.find("\"text\"") != std::string::npos) {
          first_.store(true);
          first_token_.set_value();
        }
        return !hang_up_.load();
      };
      auto res = c.send(req);
      status_ = res ? res->status : -1;
      if (!first_.load()) first_token_.set_value();
    });
  }
  ~Stream() { join(); }
  // Waits for the first token (true) or the end of the response without one (false).
  bool wait_first_token() {
    first_token_.get_future().wait_for(std::chrono::seconds(60));
    return first_.load();
  }
  void hang_up() { hang_up_.store(true); }
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  std::vector<json> events() {
    std::lock_guard lock(mu_);
    return test::sse_events(body_);
  }
  int status() const { return status_; }

 private:
  std::thread thread_;
  std::mutex mu_;
  std::string body_;
  std::atomic<bool> first_{false};
  std::atomic<bool> hang_up_{false};
  std::promise<void> first_token_;
  int status_ = 0;
};

int token_events(const std::vector<json>& events) {
  int n = 0;
  for (const auto& e : events)
    if (e.is_object() && e.contains("choices") && !e["choices"].empty() && !e["choices"][0]["text"].get<std::string>().empty()) ++n;
  return n;
}

json long_generation(int max_tokens) {
  return {{"prompt", "In this study of fever,"}, {"temperature", 0}, {"ignore_eos", true}, {"max_tokens", max_tokens}};
}

TEST(BatchLifecycle, DeadlineCancelsDecodingRequestsAndFreesTheirPages) {
  LS_REQUIRE_ASSET(test::kBatchModel);
  ServerSetup setup;
  setup.parallel = 2;
  setup.n_ctx = kLongCtx;
  setup.pool_tokens = kLongCtx;
  setup.timeout_seconds = 2 * kSlowBuild;
  BatchServer s(setup);
  // Both would need tens of seconds for their 32000 tokens; the deadline ends them mid-decode.
  Stream streamed(s.port(), long_generation(32000));
  auto plain = std::async(std::launch::async, [&s] { return s.post("/v1/completions", long_generation(32000), 504); });
  ASSERT_TRUE(streamed.wait_first_token());
  const json e = plain.get();
  EXPECT_EQ(e["error"]["code"], "timeout") << e.dump();
  streamed.join();
  EXPECT_EQ(streamed.status(), 200);  // the headers went out with the first token
  const auto events = streamed.events();
  ASSERT_FALSE(events.empty());
  EXPECT_GE(token_events(events), 1);
  EXPECT_EQ(events.back()["error"]["code"], "timeout") << events.back().dump();
  // Cancelled within a step: nothing referenced, nothing running; their full pages stay cached.
  ASSERT_TRUE(s.settles()) << "pages still referenced: " << s.backend().stats().pages_referenced;
  const std::string m = s.metrics();
  EXPECT_EQ(metric_value(m, "localseek_kv_pool_pages{state=\"referenced\"}"), 0);
  EXPECT_GT(metric_value(m, "localseek_kv_pool_pages{state=\"cached\"}"), 0);
  EXPECT_EQ(metric_value(m, "localseek_cancelled_requests_total"), 2);
}

// A prompt of `tokens` tokens (BOS included) for the scifact tokenizer.
std::string prompt_of(BatchBackend& b, int tokens) {
  const std::string unit = " we measured insulin in patients and controls;";
  std::string text = "In this study of insulin,";
  auto count = [&](const std::string& t) { return static_cast<int>(b.tokenize(t, true, true)->size()); };
  const int per_unit = count(text + unit + unit) - count(text + unit);
  while (count(text) + per_unit < tokens) {
    const int reps = std::max(1, (tokens - count(text)) / per_unit - 1);
    for (int i = 0; i < reps; ++i) text += unit;
  }
  while (count(text) < tokens) text += " a";
  return text;
}

TEST(BatchLifecycle, DeadlineCancelsARequestWaitingForKvPages) {
  LS_REQUIRE_ASSET(test::kBatchModel);
  ServerSetup setup;
  setup.parallel = 2;
  setup.n_ctx = kLongCtx;
  setup.pool_tokens = kLongCtx;
  BatchServer s(setup);
  // A runs long; once it holds a few pages, B's prompt of nearly the whole pool cannot be admitted
  // and waits inside the engine (the admission queue let it through: two slots).
  Stream a(s.port(), long_generation(32000));
  ASSERT_TRUE(a.wait_first_token());
  ASSERT_TRUE(s.wait_for([](const BatchBackend::Stats& st) { return st.pages_referenced >= 4; }));
  const std::string big = prompt_of(s.backend(), kLongCtx - 16 - 8);
  // B gets a deadline shorter than A's (in production all share --timeout, and the requests
  // ahead of a waiting one may outlast it, e.g. when they arrived together or steps are slow).
  s.server().state().config.timeout_seconds = 1 * kSlowBuild;
  auto b = std::async(std::launch::async, [&] { return s.post("/v1/completions", {{"prompt", big}, {"max_tokens", 8}}, 504); });
  ASSERT_TRUE(s.wait_for([](const BatchBackend::Stats& st) { return st.waiting == 1; })) << "B never waited for the pool";
  const json e = b.get();
  EXPECT_EQ(e["error"]["code"], "timeout") << e.dump();
  // B left the engine's queue; A still runs.
  ASSERT_TRUE(s.wait_for([](const BatchBackend::Stats& st) { return st.waiting == 0; }));
  EXPECT_EQ(s.backend().stats().running, 1);
  a.hang_up();
  a.join();
  ASSERT_TRUE(s.settles());
}

TEST(BatchLifecycle, DeadlineAnswers503ForARequestStillInTheAdmissionQueue) {
  LS_REQUIRE_ASSET(test::kBatchModel);
  ServerSetup setup;
  setup.parallel = 1;
  setup.n_ctx = kLongCtx;
  setup.pool_tokens = kLongCtx;
  BatchServer s(setup);
  Stream a(s.port(), long_generation(32000));
  ASSERT_TRUE(a.wait_first_token());
  s.server().state().config.timeout_seconds = 0.5 * kSlowBuild;  // for B only, as above
  const json e = s.post("/v1/completions", {{"prompt", "In this study of sleep,"}, {"max_tokens", 4}}, 503);
  EXPECT_NE(e["error"]["message"].get<std::string>().find("timed out waiting in the queue"), std::string::npos) << e.dump();
  EXPECT_EQ(s.server().state().queue.waiting(), 0);
  EXPECT_EQ(s.backend().stats().running, 1);  // only A ever reached the engine
  a.hang_up();
  a.join();
  ASSERT_TRUE(s.settles());
}

TEST(BatchLifecycle, DrainFinishesRunningRefusesNewAndQueuedAndReadyTurnsFalse) {
  LS_REQUIRE_ASSET(test::kBatchModel);
  ServerSetup setup;
  setup.parallel = 1;
  setup.n_ctx = 4096;
  setup.pool_tokens = 4096;
  BatchServer s(setup);
  // Long enough to still run while the test drains (ASan decodes ~25 ms a token: fewer there).
  const int a_tokens = kSlowBuild > 1 ? 800 : 4000;
  json body = long_generation(a_tokens);
  body["stream_options"] = {{"include_usage", true}};
  Stream a(s.port(), body);
  ASSERT_TRUE(a.wait_first_token());
  // B waits in the admission queue behind A.
  auto b = std::async(std::launch::async, [&] {
    return s.post("/v1/completions", {{"prompt", "In this study of sleep,"}, {"max_tokens", 4}}, 503);
  });
  ASSERT_TRUE(s.wait_for([&](const BatchBackend::Stats&) { return s.server().state().queue.waiting() == 1; }))
      << "admission queue: " << s.server().state().queue.running() << " running, " << s.server().state().queue.waiting()
      << " waiting; engine: " << s.backend().stats().running << " running, " << s.backend().stats().waiting << " waiting";
  const int running_at_drain = s.server().state().queue.running();
  s.server().start_draining();
  EXPECT_EQ(b.get()["error"]["message"], "the server is shutting down");
  httplib::Client c("127.0.0.1", s.port());
  auto ready = c.Get("/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  auto health = c.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);  // alive, just not taking work
  const json refused = s.post("/v1/completions", {{"prompt", "In this study of obesity,"}, {"max_tokens", 4}}, 503);
  EXPECT_EQ(refused["error"]["code"], "unavailable") << refused.dump();
  // A runs to its end, every token and the closing events delivered.
  EXPECT_TRUE(s.server().wait_idle(std::chrono::seconds(120)));
  a.join();
  EXPECT_EQ(running_at_drain, 1);
  const auto events = a.events();
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events.back(), "[DONE]");
  const json& usage = events[events.size() - 2]["usage"];
  EXPECT_EQ(usage["completion_tokens"], a_tokens) << usage.dump();
  bool length = false;
  for (const auto& e : events)
    if (e.is_object() && e.contains("choices") && !e["choices"].empty() && e["choices"][0]["finish_reason"] == "length") length = true;
  EXPECT_TRUE(length);
  EXPECT_TRUE(s.settles());
}

TEST(BatchLifecycle, HangUpMidStreamFreesTheSequenceOnThePoolGauge) {
  LS_REQUIRE_ASSET(test::kBatchModel);
  ServerSetup setup;
  setup.parallel = 2;
  setup.n_ctx = kLongCtx;
  setup.pool_tokens = kLongCtx;
  BatchServer s(setup);
  Stream a(s.port(), long_generation(32000));
  ASSERT_TRUE(a.wait_first_token());
  ASSERT_TRUE(s.wait_for([](const BatchBackend::Stats& st) { return st.pages_referenced >= 2; }));
  EXPECT_GE(metric_value(s.metrics(), "localseek_kv_pool_pages{state=\"referenced\"}"), 2);
  a.hang_up();
  a.join();
  // Noticed at the next token it cannot deliver (or by the connection probe), then gone before
  // the engine's next step: the gauge shows no referenced page, long before 32000 tokens.
  const auto until = Clock::now() + std::chrono::seconds(20);
  std::string m;
  auto freed = [&m] {
    return metric_value(m, "localseek_kv_pool_pages{state=\"referenced\"}") == 0 &&
           metric_value(m, "localseek_requests_running") == 0 && metric_value(m, "localseek_cancelled_requests_total") == 1;
  };
  while (Clock::now() < until && !freed()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    m = s.metrics();
  }
  EXPECT_TRUE(freed()) << m;
  EXPECT_GT(metric_value(m, "localseek_kv_pool_pages{state=\"cached\"}"), 0) << "its full pages stay cached";
  EXPECT_LT(metric_value(m, "localseek_generated_tokens_total"), 32000);
  EXPECT_EQ(s.backend().stats().running, 0);
}

}  // namespace
}  // namespace ls::server
