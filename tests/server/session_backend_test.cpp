// The server on the real CPU engine (runtime::Session) with the small trained scifact model:
// greedy output equals llama.cpp's golden continuation, streaming equals non-streaming, the
// previous prompt's prefix is reused, tokenizer endpoints match the golden prompt ids, logprobs in
// both response formats (their values are checked against `localseek logits` in the runtime tests).
#include <gtest/gtest.h>

#include <fstream>

#include "server/session_backend.h"
#include "test_support.h"
#include "test_server.h"

namespace ls::server {
namespace {

using json = nlohmann::json;

constexpr const char* kModel = "models/scifact-lm-q8_0.gguf";
constexpr const char* kGolden = "golden/scifact-lm-q8_0/p1-results.json";
constexpr const char* kR1Template = "templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja";

class EngineServer {
 public:
  explicit EngineServer(const std::string& chat_template = {}) {
    runtime::SessionOptions o;
    o.model_path = ls::test::shared_path(kModel);
    o.chat_template_path = chat_template;
    o.context.n_threads = 2;
    auto b = SessionBackend::open(o);
    if (!b.ok()) throw std::runtime_error(b.error().message);
    ServerConfig cfg;
    cfg.host = "127.0.0.1";
    cfg.port = 0;
    server_ = std::make_unique<HttpServer>(cfg, *b);
    port_ = *server_->bind();
    thread_ = std::thread([this] { server_->serve(); });
  }
  ~EngineServer() {
    server_->stop();
    thread_.join();
  }
  json post(const std::string& path, const std::string& body, int expect = 200) {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    auto res = c.Post(path.c_str(), body, "application/json");
    EXPECT_TRUE(res);
    if (!res) return nullptr;
    EXPECT_EQ(res->status, expect) << res->body;
    if (res->get_header_value("Content-Type") == "text/event-stream") return res->body;
    return json::parse(res->body, nullptr, false);
  }
  // The value of an unlabelled metric on /metrics (-1 when absent).
  double metric(const std::string& name) {
    httplib::Client c("127.0.0.1", port_);
    auto res = c.Get("/metrics");
    if (!res) return -1;
    const auto at = res->body.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stod(res->body.substr(at + name.size() + 2));
  }

 private:
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
};

json golden() {
  std::ifstream in(ls::test::shared_path(kGolden));
  return json::parse(in, nullptr, false);
}

TEST(EngineServer, GreedyCompletionMatchesTheGoldenContinuation) {
  LS_REQUIRE_ASSET(kModel);
  LS_REQUIRE_ASSET(kGolden);
  const json g = golden();
  const int n = static_cast<int>(g["greedy"]["ids"].size());
  EngineServer s;
  json body = {{"prompt", g["prompt"]}, {"max_tokens", n}, {"temperature", 0}};
  json r = s.post("/v1/completions", body.dump());
  const std::string text = r["choices"][0]["text"];
  // The golden text is the continuation with its leading space trimmed.
  EXPECT_EQ(text.substr(text.find_first_not_of(' ')), g["greedy"]["text"].get<std::string>());
  EXPECT_EQ(r["usage"]["prompt_tokens"], g["prompt_ids"].size());
  EXPECT_EQ(r["usage"]["completion_tokens"], n);
  EXPECT_EQ(r["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(r["model"], "scifact-lm-q8_0");

  // Same request again: the prompt's K/V is reused (all but the last token, which is re-run for
  // its logits), and greedy output is the same.
  json again = s.post("/v1/completions", body.dump());
  EXPECT_EQ(again["choices"][0]["text"], text);
  EXPECT_GE(again["usage"]["prompt_tokens_details"]["cached_tokens"].get<int>(),
            static_cast<int>(g["prompt_ids"].size()) - 1);

  // Engine-fed gauges: the context holds prompt + output; half of all prompt tokens were cached.
  const double kv = s.metric("localseek_kv_pool_used_ratio");
  EXPECT_NEAR(kv, (g["prompt_ids"].size() + n) / 512.0, 2.0 / 512) << kv;
  EXPECT_GT(s.metric("localseek_prefix_cache_hit_ratio"), 0.3);

  body["stream"] = true;
  const std::string sse = s.post("/v1/completions", body.dump());
  std::string streamed;
  for (const json& e : test::sse_events(sse))
    if (e.is_object()) streamed += e["choices"][0]["text"].get<std::string>();
  EXPECT_EQ(streamed, text);
}

TEST(EngineServer, TokenizerEndpointsMatchGoldenIds) {
  LS_REQUIRE_ASSET(kModel);
  LS_REQUIRE_ASSET(kGolden);
  const json g = golden();
  EngineServer s;
  json t = s.post("/tokenize", json{{"content", g["prompt"]}, {"add_special", true}}.dump());
  EXPECT_EQ(t["tokens"], g["prompt_ids"]);
  json d = s.post("/detokenize", json{{"tokens", g["greedy"]["ids"]}}.dump());
  EXPECT_NE(d["content"].get<std::string>().find(g["greedy"]["text"].get<std::string>()), std::string::npos);
  json bad = s.post("/detokenize", R"({"tokens":[1000000]})", 400);
  EXPECT_EQ(bad["error"]["param"], "tokens");
}

TEST(EngineServer, ChatNeedsATemplateAndSplitsReasoningWithR1s) {
  LS_REQUIRE_ASSET(kModel);
  LS_REQUIRE_ASSET(kR1Template);
  {
    EngineServer s;  // scifact has no chat template
    json e = s.post("/v1/chat/completions", R"({"messages":[{"role":"user","content":"hi"}]})", 501);
    EXPECT_NE(e["error"]["message"].get<std::string>().find("--chat-template"), std::string::npos);
  }
  EngineServer s(ls::test::shared_path(kR1Template));
  json r = s.post("/v1/chat/completions",
                  R"({"messages":[{"role":"user","content":"What causes fever?"}],"max_tokens":8,"temperature":0})");
  // The R1 template opens <think>; this tiny model never closes it, so it is all reasoning.
  const json& msg = r["choices"][0]["message"];
  EXPECT_FALSE(msg["reasoning_content"].get<std::string>().empty()) << r.dump();
  EXPECT_EQ(msg["content"], "");
  EXPECT_EQ(r["usage"]["completion_tokens"], 8);
  json raw = s.post("/v1/chat/completions",
                    R"({"messages":[{"role":"user","content":"What causes fever?"}],"max_tokens":8,
                        "temperature":0,"reasoning_format":"none"})");
  EXPECT_FALSE(raw["choices"][0]["message"]["content"].get<std::string>().empty());
}

// Every generated token once, greedy's choice first among its alternatives, best first.
void expect_chat_logprobs(const json& content, int n_tokens, int n_top) {
  ASSERT_TRUE(content.is_array());
  ASSERT_EQ(static_cast<int>(content.size()), n_tokens) << content.dump();
  for (const json& t : content) {
    ASSERT_EQ(static_cast<int>(t["top_logprobs"].size()), n_top) << t.dump();
    const double lp = t["logprob"];
    EXPECT_LE(lp, 0.0);
    EXPECT_EQ(t["top_logprobs"][0]["token"], t["token"]);
    EXPECT_DOUBLE_EQ(t["top_logprobs"][0]["logprob"].get<double>(), lp);
    std::string bytes;
    for (const json& b : t["bytes"]) bytes += static_cast<char>(b.get<int>());
    EXPECT_EQ(bytes, t["token"].get<std::string>());
    for (size_t k = 1; k < t["top_logprobs"].size(); ++k)
      EXPECT_LE(t["top_logprobs"][k]["logprob"].get<double>(),
                t["top_logprobs"][k - 1]["logprob"].get<double>());
  }
}

TEST(EngineServer, LogprobsInChatAndCompletionsStreamedAndNot) {
  LS_REQUIRE_ASSET(kModel);
  LS_REQUIRE_ASSET(kR1Template);
  EngineServer s(ls::test::shared_path(kR1Template));
  const json chat = {{"messages", {{{"role", "user"}, {"content", "What causes fever?"}}}},
                     {"max_tokens", 6}, {"temperature", 0}, {"logprobs", true}, {"top_logprobs", 3}};
  json r = s.post("/v1/chat/completions", chat.dump());
  const json& content = r["choices"][0]["logprobs"]["content"];
  expect_chat_logprobs(content, 6, 3);
  // The tokens spell the reply (reasoning included: this model stays in its think block).
  std::string spelled;
  for (const json& t : content) spelled += t["token"].get<std::string>();
  EXPECT_EQ(spelled, r["choices"][0]["message"]["reasoning_content"].get<std::string>() +
                         r["choices"][0]["message"]["content"].get<std::string>());

  json streamed_chat = chat;
  streamed_chat["stream"] = true;
  json streamed = json::array();
  for (const json& e : test::sse_events(s.post("/v1/chat/completions", streamed_chat.dump())))
    if (e.is_object() && !e["choices"].empty() && e["choices"][0]["logprobs"].is_object())
      for (const json& t : e["choices"][0]["logprobs"]["content"]) streamed.push_back(t);
  // Same tokens; the values may differ in the last digits (this run reuses the cached prompt, so
  // its first logits come from a one-token evaluation instead of the prompt batch).
  ASSERT_EQ(streamed.size(), content.size());
  for (size_t i = 0; i < content.size(); ++i) {
    EXPECT_EQ(streamed[i]["token"], content[i]["token"]);
    EXPECT_NEAR(streamed[i]["logprob"].get<double>(), content[i]["logprob"].get<double>(), 1e-3);
  }

  // Legacy completions: logprobs is the number of alternatives, as {token: logprob} maps.
  const json completion = {{"prompt", "Fever is"}, {"max_tokens", 5}, {"temperature", 0}, {"logprobs", 2}};
  json c = s.post("/v1/completions", completion.dump());
  const json& lp = c["choices"][0]["logprobs"];
  ASSERT_EQ(lp["tokens"].size(), 5u) << c.dump();
  ASSERT_EQ(lp["token_logprobs"].size(), 5u);
  ASSERT_EQ(lp["text_offset"].size(), 5u);
  std::string text;
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(lp["text_offset"][i], text.size());
    text += lp["tokens"][i].get<std::string>();
    ASSERT_EQ(lp["top_logprobs"][i].size(), 2u);
    EXPECT_DOUBLE_EQ(lp["top_logprobs"][i][lp["tokens"][i].get<std::string>()].get<double>(),
                     lp["token_logprobs"][i].get<double>());
  }
  EXPECT_EQ(text, c["choices"][0]["text"]);
  json streamed_completion = completion;
  streamed_completion["stream"] = true;
  std::vector<double> streamed_lp;
  for (const json& e : test::sse_events(s.post("/v1/completions", streamed_completion.dump())))
    if (e.is_object() && !e["choices"].empty() && e["choices"][0]["logprobs"].is_object())
      for (const json& v : e["choices"][0]["logprobs"]["token_logprobs"]) streamed_lp.push_back(v);
  ASSERT_EQ(streamed_lp.size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_NEAR(streamed_lp[i], lp["token_logprobs"][i].get<double>(), 1e-3);
}

}  // namespace
}  // namespace ls::server
