// The HTTP API end to end over loopback with the scripted engine: OpenAI shapes, SSE framing,
// reasoning split, errors, tokenizer endpoints.
#include <gtest/gtest.h>

#include "server/openai_response.h"
#include "test_server.h"

namespace ls::server {
namespace {

using json = nlohmann::json;
using test::sse_events;
using test::TestServer;

const char* kChat = R"({"messages":[{"role":"user","content":"hi"}]})";

Script r1_script() {
  Script s;
  s.model = "r1-test";
  s.reply = "<think>\nThe user says {{last_user}}.\n</think>\n\nHello there!";
  return s;
}

json post_json(httplib::Client& c, const std::string& path, const std::string& body, int expect) {
  auto res = c.Post(path.c_str(), body, "application/json");
  EXPECT_TRUE(res) << "no response for " << path;
  if (!res) return nullptr;
  EXPECT_EQ(res->status, expect) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  return json::parse(res->body, nullptr, false);
}

TEST(HttpApi, ChatSplitsReasoningFromContent) {
  TestServer s({}, r1_script());
  auto c = s.client();
  json r = post_json(*c, "/v1/chat/completions", kChat, 200);
  EXPECT_EQ(r["object"], "chat.completion");
  EXPECT_EQ(r["model"], "r1-test");
  EXPECT_EQ(r["id"].get<std::string>().rfind("chatcmpl-", 0), 0u);
  const json& msg = r["choices"][0]["message"];
  EXPECT_EQ(msg["role"], "assistant");
  EXPECT_EQ(msg["content"], "Hello there!");
  EXPECT_EQ(msg["reasoning_content"], "The user says hi.");
  EXPECT_EQ(msg["reasoning"], "The user says hi.");
  EXPECT_EQ(r["choices"][0]["finish_reason"], "stop");
  EXPECT_TRUE(r["choices"][0]["logprobs"].is_null());
  const json& u = r["usage"];
  // BOS + <｜User｜> + "hi" (2) + <｜Assistant｜>
  EXPECT_EQ(u["prompt_tokens"], 5);
  // <think> + "\nThe user says hi.\n" (19) + </think> + "\n\nHello there!" (14)
  EXPECT_EQ(u["completion_tokens"], 35);
  EXPECT_EQ(u["total_tokens"], 40);
  EXPECT_EQ(u["prompt_tokens_details"]["cached_tokens"], 0);
}

TEST(HttpApi, ReasoningFormatNoneGivesRawText) {
  TestServer s({}, r1_script());
  auto c = s.client();
  json r = post_json(*c, "/v1/chat/completions",
                     R"({"messages":[{"role":"user","content":"hi"}],"reasoning_format":"none"})", 200);
  EXPECT_EQ(r["choices"][0]["message"]["content"],
            "<think>\nThe user says hi.\n</think>\n\nHello there!");
  EXPECT_FALSE(r["choices"][0]["message"].contains("reasoning_content"));

  ServerConfig cfg;
  cfg.reasoning_format = ReasoningFormat::kNone;  // server default, overridable per request
  TestServer s2(cfg, r1_script());
  auto c2 = s2.client();
  json raw = post_json(*c2, "/v1/chat/completions", kChat, 200);
  EXPECT_EQ(raw["choices"][0]["message"]["content"].get<std::string>().rfind("<think>", 0), 0u);
  json split = post_json(*c2, "/v1/chat/completions",
                         R"({"messages":[{"role":"user","content":"hi"}],"reasoning_format":"deepseek"})", 200);
  EXPECT_EQ(split["choices"][0]["message"]["content"], "Hello there!");
}

TEST(HttpApi, TemplateThatOpensTheThinkBlock) {
  Script sc = r1_script();
  sc.prompt_opens_reasoning = true;
  sc.reply = "Thinking hard.\n</think>\n\n42";
  TestServer s({}, sc);
  auto c = s.client();
  json r = post_json(*c, "/v1/chat/completions", kChat, 200);
  EXPECT_EQ(r["choices"][0]["message"]["reasoning_content"], "Thinking hard.");
  EXPECT_EQ(r["choices"][0]["message"]["content"], "42");
}

TEST(HttpApi, ChatStreamFramingAndOrder) {
  TestServer s({}, r1_script());
  auto c = s.client();
  auto res = c->Post("/v1/chat/completions",
                     R"({"messages":[{"role":"user","content":"hi"}],"stream":true,
                         "stream_options":{"include_usage":true}})",
                     "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/event-stream");
  EXPECT_EQ(res->get_header_value("Transfer-Encoding"), "chunked");
  bool framing_ok = false;
  auto events = sse_events(res->body, &framing_ok);
  EXPECT_TRUE(framing_ok) << res->body;
  ASSERT_GE(events.size(), 5u);
  EXPECT_EQ(events.back(), "[DONE]");
  const json& first = events.front();
  EXPECT_EQ(first["object"], "chat.completion.chunk");
  EXPECT_EQ(first["choices"][0]["delta"]["role"], "assistant");
  std::string reasoning, content, finish;
  bool content_started = false, reasoning_after_content = false;
  const std::string id = first["id"];
  json usage;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    const json& e = events[i];
    ASSERT_TRUE(e.is_object());
    EXPECT_EQ(e["id"], id);
    if (e.contains("usage") && !e["usage"].is_null()) {
      usage = e["usage"];
      EXPECT_TRUE(e["choices"].empty());
      continue;
    }
    const json& d = e["choices"][0]["delta"];
    if (d.contains("reasoning_content")) {
      reasoning += d["reasoning_content"].get<std::string>();
      EXPECT_EQ(d["reasoning"], d["reasoning_content"]);
      if (content_started) reasoning_after_content = true;
    }
    if (d.contains("content") && !d["content"].get<std::string>().empty()) {
      content += d["content"].get<std::string>();
      content_started = true;
    }
    if (!e["choices"][0]["finish_reason"].is_null()) finish = e["choices"][0]["finish_reason"];
  }
  EXPECT_EQ(reasoning, "The user says hi.");
  EXPECT_EQ(content, "Hello there!");
  EXPECT_FALSE(reasoning_after_content);
  EXPECT_EQ(finish, "stop");
  EXPECT_EQ(usage["completion_tokens"], 35);
}

TEST(HttpApi, StreamWithoutUsageHasNoUsageChunk) {
  TestServer s({}, r1_script());
  auto c = s.client();
  auto res = c->Post("/v1/chat/completions",
                     R"({"messages":[{"role":"user","content":"hi"}],"stream":true})", "application/json");
  ASSERT_TRUE(res);
  for (const json& e : sse_events(res->body)) {
    if (e.is_object()) {
      EXPECT_FALSE(e.contains("usage") && !e["usage"].is_null());
    }
  }
}

TEST(HttpApi, CompletionsPlainAndStreamed) {
  Script sc;
  sc.model = "m";
  sc.reply = "echo: {{last_user}}";
  TestServer s({}, sc);
  auto c = s.client();
  json r = post_json(*c, "/v1/completions", R"({"prompt":"abc","max_tokens":100})", 200);
  EXPECT_EQ(r["object"], "text_completion");
  EXPECT_EQ(r["choices"][0]["text"], "echo: abc");
  EXPECT_EQ(r["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(r["usage"]["prompt_tokens"], 3);

  json cut = post_json(*c, "/v1/completions", R"({"prompt":"abc","max_tokens":4})", 200);
  EXPECT_EQ(cut["choices"][0]["text"], "echo");
  EXPECT_EQ(cut["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(cut["usage"]["completion_tokens"], 4);

  json echo = post_json(*c, "/v1/completions", R"({"prompt":"abc","max_tokens":4,"echo":true})", 200);
  EXPECT_EQ(echo["choices"][0]["text"], "abcecho");

  auto res = c->Post("/v1/completions", R"({"prompt":"xy","stream":true})", "application/json");
  ASSERT_TRUE(res);
  std::string text;
  auto events = sse_events(res->body);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back(), "[DONE]");
  for (const json& e : events)
    if (e.is_object()) text += e["choices"][0]["text"].get<std::string>();
  EXPECT_EQ(text, "echo: xy");
}

TEST(HttpApi, StopStrings) {
  TestServer s({}, r1_script());
  auto c = s.client();
  json r = post_json(*c, "/v1/chat/completions",
                     R"({"messages":[{"role":"user","content":"hi"}],"stop":["there"]})", 200);
  EXPECT_EQ(r["choices"][0]["message"]["content"], "Hello ");
  EXPECT_EQ(r["choices"][0]["finish_reason"], "stop");
}

TEST(HttpApi, ChatLogprobs) {
  TestServer s({}, r1_script());
  auto c = s.client();
  json r = post_json(*c, "/v1/chat/completions",
                     R"({"messages":[{"role":"user","content":"hi"}],"logprobs":true,"top_logprobs":2,"max_tokens":3})",
                     200);
  const json& lp = r["choices"][0]["logprobs"]["content"];
  ASSERT_EQ(lp.size(), 3u);
  EXPECT_EQ(lp[0]["token"], "<think>");
  EXPECT_EQ(lp[1]["token"], "\n");
  EXPECT_EQ(lp[1]["bytes"], json::array({10}));
  EXPECT_EQ(lp[0]["top_logprobs"].size(), 2u);
  EXPECT_EQ(r["choices"][0]["finish_reason"], "length");
}

TEST(HttpApi, ModelsAndUnknownModel) {
  TestServer s({}, r1_script());
  auto c = s.client();
  auto res = c->Get("/v1/models");
  ASSERT_TRUE(res);
  json models = json::parse(res->body);
  EXPECT_EQ(models["object"], "list");
  ASSERT_EQ(models["data"].size(), 1u);
  EXPECT_EQ(models["data"][0]["id"], "r1-test");
  EXPECT_EQ(models["data"][0]["object"], "model");
  auto one = c->Get("/v1/models/r1-test");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  auto missing = c->Get("/v1/models/gpt-4");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  json e = post_json(*c, "/v1/chat/completions",
                     R"({"model":"gpt-4","messages":[{"role":"user","content":"hi"}]})", 404);
  EXPECT_EQ(e["error"]["code"], "model_not_found");
  EXPECT_EQ(e["error"]["param"], "model");
  post_json(*c, "/v1/chat/completions", R"({"model":"r1-test","messages":[{"role":"user","content":"hi"}]})", 200);
}

TEST(HttpApi, ErrorBodies) {
  TestServer s({}, r1_script());
  auto c = s.client();
  json e = post_json(*c, "/v1/chat/completions", "{bad json", 400);
  EXPECT_EQ(e["error"]["type"], "invalid_request_error");
  EXPECT_TRUE(e["error"].contains("message"));
  EXPECT_TRUE(e["error"].contains("param"));
  EXPECT_TRUE(e["error"].contains("code"));
  e = post_json(*c, "/v1/chat/completions", R"({"messages":[{"role":"user","content":"hi"}],"temperature":"x"})", 400);
  EXPECT_EQ(e["error"]["param"], "temperature");
  auto res = c->Get("/v1/does-not-exist");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "unknown_route");
  e = post_json(*c, "/v1/embeddings", R"({"input":"x","model":"m"})", 501);
  EXPECT_NE(e["error"]["message"].get<std::string>().find("embedding"), std::string::npos);
}

TEST(HttpApi, EngineFailureIs500AndPromptTooLongIs400) {
  Script sc = r1_script();
  sc.fail_after_tokens = 3;
  TestServer s({}, sc);
  auto c = s.client();
  json e = post_json(*c, "/v1/chat/completions", kChat, 500);
  EXPECT_EQ(e["error"]["type"], "server_error");
  auto res = c->Post("/v1/chat/completions",
                     R"({"messages":[{"role":"user","content":"hi"}],"stream":true})", "application/json");
  ASSERT_TRUE(res);
  auto events = sse_events(res->body);
  ASSERT_FALSE(events.empty());
  EXPECT_TRUE(events.back().contains("error")) << res->body;  // an error event ends the stream

  Script small = r1_script();
  small.context_length = 8;
  TestServer s2({}, small);
  auto c2 = s2.client();
  json tl = post_json(*c2, "/v1/chat/completions",
                      R"({"messages":[{"role":"user","content":"a long question"}]})", 400);
  EXPECT_NE(tl["error"]["message"].get<std::string>().find("context"), std::string::npos);
}

TEST(HttpApi, CachedTokensReportedForRepeatedPrefix) {
  TestServer s({}, r1_script());
  auto c = s.client();
  post_json(*c, "/v1/chat/completions", kChat, 200);
  json r = post_json(*c, "/v1/chat/completions", kChat, 200);
  EXPECT_EQ(r["usage"]["prompt_tokens_details"]["cached_tokens"], 5);
}

TEST(HttpApi, TokenizeAndDetokenize) {
  TestServer s({}, r1_script());
  auto c = s.client();
  json t = post_json(*c, "/tokenize", R"({"content":"a<think>é"})", 200);
  ASSERT_EQ(t["tokens"].size(), 3u);
  json d = post_json(*c, "/detokenize", json{{"tokens", t["tokens"]}}.dump(), 200);
  EXPECT_EQ(d["content"], "a<think>é");
  json p = post_json(*c, "/tokenize", R"({"content":"ab","with_pieces":true,"add_special":true})", 200);
  ASSERT_EQ(p["tokens"].size(), 3u);
  EXPECT_EQ(p["tokens"][1]["piece"], "a");
  json bad = post_json(*c, "/detokenize", R"({"tokens":[9]})", 400);
  EXPECT_EQ(bad["error"]["param"], "tokens");
}

TEST(HttpApi, NoModelMode) {
  TestServer s({}, {}, /*with_model=*/false);
  auto c = s.client();
  EXPECT_EQ(c->Get("/health")->status, 200);
  EXPECT_EQ(c->Get("/ready")->status, 200);
  json models = json::parse(c->Get("/v1/models")->body);
  EXPECT_TRUE(models["data"].empty());
  json e = post_json(*c, "/v1/chat/completions", kChat, 503);
  EXPECT_NE(e["error"]["message"].get<std::string>().find("--no-model"), std::string::npos);
  post_json(*c, "/tokenize", R"({"content":"x"})", 503);
}

}  // namespace
}  // namespace ls::server

namespace ls::server {
namespace {

// stop() right after serve() started on its thread (before or after cpp-httplib's accept loop
// runs, whichever the scheduler picks) ends serve(); so does stopping a server that never served.
TEST(HttpLifecycle, StopAtAnyPointEndsServe) {
  for (int i = 0; i < 100; ++i) {
    test::TestServer s;
  }
  ServerConfig cfg;
  cfg.host = "127.0.0.1";
  cfg.port = 0;
  cfg.data_dir.clear();
  HttpServer never_served(cfg, nullptr);
  ASSERT_TRUE(never_served.bind().ok());
  never_served.stop();
  HttpServer stopped_first(cfg, nullptr);
  ASSERT_TRUE(stopped_first.bind().ok());
  stopped_first.stop();
  stopped_first.serve();  // returns at once
}

}  // namespace
}  // namespace ls::server
