// The server on the batched CPU engine (BatchBackend) over loopback HTTP with the small trained
// scifact model: 16 concurrent greedy requests give exactly the texts each gives alone; a full KV
// pool makes requests wait, then finish; a client that hangs up frees its pages; a chat's second
// turn reuses the first turn's KV (cached_tokens) with the same output as without the cache; the
// pool accounting returns to zero.
#include "server/batch_backend.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <iostream>
#include <sstream>

#include "batch_server.h"
#include "server/http_server.h"
#include "test_server.h"
#include "test_support.h"

namespace ls::server {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using test::BatchServer;
using test::ServerSetup;

constexpr const char* kModel = test::kBatchModel;
constexpr const char* kR1Template = test::kR1Template;

std::vector<std::string> prompts16() {
  const char* topics[] = {"fever", "insulin", "the immune system", "tumour growth", "vitamin D", "sleep",
                          "antibiotic resistance", "gene expression", "blood pressure", "memory T cells",
                          "obesity", "the microbiome", "stem cells", "inflammation", "viral load", "exercise"};
  std::vector<std::string> out;
  for (int i = 0; i < 16; ++i) {
    std::string p = "In this study of " + std::string(topics[i]) + ",";
    // Lengths from a few tokens to a few chunks, so prefills and decodes share steps.
    for (int r = 0; r < i % 5; ++r) p += " we measured " + std::string(topics[(i + r + 1) % 16]) + " in patients and controls;";
    out.push_back(p);
  }
  return out;
}

TEST(BatchServer, SixteenConcurrentGreedyRequestsGiveTheirAloneTexts) {
  LS_REQUIRE_ASSET(kModel);
  const auto prompts = prompts16();
  constexpr int kTokens = 24;
  std::vector<std::string> alone;
  {
    BatchServer s;
    for (const auto& p : prompts) alone.push_back(s.completion(p, kTokens));
  }
  BatchServer s;
  std::vector<std::future<std::string>> futures;
  for (const auto& p : prompts)
    futures.push_back(std::async(std::launch::async, [&s, p] { return s.completion(p, kTokens); }));
  for (size_t i = 0; i < prompts.size(); ++i) {
    EXPECT_EQ(futures[i].get(), alone[i]) << "prompt " << i << ": " << prompts[i];
    EXPECT_NE(alone[i], "<error>");
  }
  EXPECT_TRUE(s.settles());
  if (::testing::Test::HasFailure()) {
    const std::string m = s.metrics();
    std::istringstream lines(m);
    for (std::string l; std::getline(lines, l);)
      if (l.find("requests_total") != std::string::npos || l.find("cancelled") != std::string::npos) std::cerr << l << "\n";
  }
  EXPECT_GT(s.backend().stats().steps, 0u);
  EXPECT_NE(s.metrics().find("localseek_kv_pool_used_ratio 0"), std::string::npos);
}

TEST(BatchServer, FullPoolRequestsWaitThenFinish) {
  LS_REQUIRE_ASSET(kModel);
  ServerSetup small;
  small.parallel = 4;
  small.n_ctx = 128;
  small.pool_tokens = 128;  // 8 pages of 16: two of these sequences at a time
  small.prefix_cache = false;
  std::vector<std::string> prompts;
  const char* topics[] = {"fever", "insulin", "sleep", "obesity"};
  for (const char* t : topics) {
    std::string p = "In this study of " + std::string(t) + ",";
    while (p.size() < 200) p += " we measured " + std::string(t) + " in patients and controls;";
    prompts.push_back(p);
  }
  std::vector<std::string> alone;
  {
    BatchServer s(small);
    for (const auto& p : prompts) alone.push_back(s.completion(p, 30));
  }
  BatchServer s(small);
  std::atomic<bool> polling{true};
  int max_waiting = 0;
  std::thread poller([&] {
    while (polling.load()) {
      max_waiting = std::max(max_waiting, s.backend().stats().waiting);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  std::vector<std::future<json>> futures;
  for (const auto& p : prompts)
    futures.push_back(std::async(std::launch::async, [&s, p] {
      return s.post("/v1/completions", {{"prompt", p}, {"max_tokens", 30}, {"temperature", 0}});
    }));
  for (size_t i = 0; i < prompts.size(); ++i) {
    json r = futures[i].get();
    ASSERT_TRUE(r.contains("choices")) << r.dump();
    EXPECT_GT(r["usage"]["prompt_tokens"].get<int>(), 40);
    EXPECT_EQ(r["choices"][0]["text"], alone[i]) << i;
  }
  polling.store(false);
  poller.join();
  EXPECT_GE(max_waiting, 1) << "no request ever waited for the pool";
  EXPECT_TRUE(s.settles());
}

TEST(BatchServer, ClientThatHangsUpFreesItsPages) {
  LS_REQUIRE_ASSET(kModel);
  BatchServer s;
  httplib::Client c("127.0.0.1", s.port());
  c.set_read_timeout(60, 0);
  int chunks = 0;
  json body = {{"prompt", "In this study of fever,"}, {"max_tokens", 400}, {"temperature", 0}, {"stream", true}};
  httplib::Request req;
  req.method = "POST";
  req.path = "/v1/completions";
  req.body = body.dump();
  req.set_header("Content-Type", "application/json");
  req.content_receiver = [&](const char*, size_t, uint64_t, uint64_t) { return ++chunks < 3; };
  auto res = c.send(req);
  EXPECT_GE(chunks, 3);
  // The engine notices (a failed write or the connection probe) and drops the sequence.
  EXPECT_TRUE(s.settles()) << "pages still referenced: " << s.backend().stats().pages_referenced;
  // And serves the next request normally.
  EXPECT_NE(s.completion("In this study of sleep,", 4), "<error>");
}

TEST(BatchServer, SecondChatTurnHitsThePrefixCacheWithTheSameOutput) {
  LS_REQUIRE_ASSET(kModel);
  LS_REQUIRE_ASSET(kR1Template);
  ServerSetup cached;
  cached.chat_template = ls::test::shared_path(kR1Template);
  ServerSetup uncached = cached;
  uncached.prefix_cache = false;
  const std::string system =
      "You answer questions about scientific abstracts. Cite the study, name the population, and say "
      "whether the result was significant. Keep answers short.";
  json turn1 = {{"messages", {{{"role", "system"}, {"content", system}}, {{"role", "user"}, {"content", "What causes fever?"}}}},
                {"max_tokens", 12}, {"temperature", 0}, {"reasoning_format", "none"}};
  BatchServer s(cached);
  json r1 = s.post("/v1/chat/completions", turn1);
  ASSERT_TRUE(r1.contains("choices")) << r1.dump();
  EXPECT_EQ(r1["usage"]["prompt_tokens_details"]["cached_tokens"], 0);
  json turn2 = turn1;
  turn2["messages"].push_back({{"role", "assistant"}, {"content", r1["choices"][0]["message"]["content"]}});
  turn2["messages"].push_back({{"role", "user"}, {"content", "And what lowers it?"}});
  json r2 = s.post("/v1/chat/completions", turn2);
  ASSERT_TRUE(r2.contains("choices")) << r2.dump();
  const int cached_tokens = r2["usage"]["prompt_tokens_details"]["cached_tokens"];
  EXPECT_GE(cached_tokens, 32) << r2["usage"].dump();  // at least the system prompt's pages
  EXPECT_LT(cached_tokens, r2["usage"]["prompt_tokens"].get<int>());
  EXPECT_EQ(cached_tokens % 16, 0);
  const std::string m = s.metrics();
  EXPECT_EQ(m.find("localseek_prefix_cache_hit_ratio 0\n"), std::string::npos) << "hit ratio still 0";

  BatchServer plain(uncached);
  json p2 = plain.post("/v1/chat/completions", turn2);
  EXPECT_EQ(p2["usage"]["prompt_tokens_details"]["cached_tokens"], 0);
  EXPECT_EQ(r2["choices"][0]["message"]["content"], p2["choices"][0]["message"]["content"]);
  EXPECT_TRUE(s.settles());
  EXPECT_GT(s.backend().stats().pages_cached, 0);
}

TEST(BatchServer, PromptOverTheContextIsA400NamingTheNumbers) {
  LS_REQUIRE_ASSET(kModel);
  ServerSetup small;
  small.n_ctx = 32;
  BatchServer s(small);
  std::string p;
  for (int i = 0; i < 40; ++i) p += " fever";
  json e = s.post("/v1/completions", {{"prompt", p}, {"max_tokens", 4}}, 400);
  EXPECT_NE(e["error"]["message"].get<std::string>().find("32"), std::string::npos) << e.dump();
  // A prompt that fits but asks for more tokens than the context has left: 400 with the numbers.
  e = s.post("/v1/completions", {{"prompt", "In this study of fever,"}, {"max_tokens", 100}}, 400);
  const std::string msg = e["error"]["message"];
  EXPECT_NE(msg.find("max_tokens (100)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("the context holds 32 (--ctx 32; the KV pool holds"), std::string::npos) << msg;
  EXPECT_EQ(e["error"]["code"], "limit_exceeded");
  // Exactly what the context holds is fine (the legacy completions default of 16 tokens also is).
  json r = s.post("/v1/completions", {{"prompt", "In this study of fever,"}, {"temperature", 0}, {"ignore_eos", true},
                                      {"max_tokens", 32 - 8}});
  ASSERT_EQ(r["usage"]["prompt_tokens"], 8) << r.dump();
  EXPECT_EQ(r["usage"]["completion_tokens"], 24);
  EXPECT_EQ(r["choices"][0]["finish_reason"], "length");
}

TEST(BatchServer, LogprobsOfGreedyTokensAreTheTopAlternative) {
  LS_REQUIRE_ASSET(kModel);
  BatchServer s;
  json r = s.post("/v1/completions", {{"prompt", "In this study of fever,"}, {"max_tokens", 6}, {"temperature", 0},
                                      {"logprobs", 3}});
  ASSERT_TRUE(r.contains("choices")) << r.dump();
  const json& lp = r["choices"][0]["logprobs"];
  ASSERT_EQ(lp["token_logprobs"].size(), 6u) << lp.dump();
  for (size_t i = 0; i < 6; ++i) {
    const double chosen = lp["token_logprobs"][i];
    EXPECT_LE(chosen, 0.0);
    double best = -1e30;
    for (const auto& [tok, v] : lp["top_logprobs"][i].items()) best = std::max(best, v.get<double>());
    EXPECT_DOUBLE_EQ(chosen, best) << i;  // greedy picks the most likely token
  }
  EXPECT_TRUE(s.settles());
}

}  // namespace
}  // namespace ls::server
