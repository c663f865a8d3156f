// The OpenAI request parser: every field, wrong types naming the field, limits.
#include <gtest/gtest.h>

#include <string>

#include "server/openai_request.h"

namespace ls::server {
namespace {

ChatCompletionRequest chat_ok(const std::string& body) {
  auto r = parse_chat_request(body);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : ChatCompletionRequest{};
}

ApiError chat_err(const std::string& body) {
  auto r = parse_chat_request(body);
  EXPECT_FALSE(r.ok()) << body;
  return r.ok() ? ApiError{} : r.error();
}

const std::string kMsgs = R"("messages":[{"role":"user","content":"hi"}])";

TEST(ChatRequestParser, MinimalRequestHasDefaults) {
  auto r = chat_ok("{" + kMsgs + "}");
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].role, "user");
  EXPECT_EQ(r.messages[0].content, "hi");
  EXPECT_FALSE(r.options.stream);
  EXPECT_FALSE(r.options.max_tokens.has_value());
  EXPECT_FALSE(r.options.sampling.temperature.has_value());
  EXPECT_FALSE(r.reasoning_format.has_value());
  EXPECT_TRUE(r.options.stop.empty());
}

TEST(ChatRequestParser, EveryFieldIsRead) {
  auto r = chat_ok(R"({"model":"m","messages":[{"role":"system","content":"s"},
    {"role":"developer","content":"d"},{"role":"user","content":[{"type":"text","text":"a"},
    {"type":"text","text":"b"}]},{"role":"assistant","content":null}],
    "stream":true,"stream_options":{"include_usage":true},"max_tokens":7,"temperature":0.25,
    "top_p":0.5,"top_k":40,"min_p":0.05,"stop":["x","yy"],"seed":-3,"presence_penalty":1.5,
    "frequency_penalty":-0.5,"repetition_penalty":1.1,"n":1,"logprobs":true,"top_logprobs":3,
    "user":"u1","reasoning_format":"none","tools":[],"some_future_field":{"a":1}})");
  EXPECT_EQ(r.options.model, "m");
  ASSERT_EQ(r.messages.size(), 4u);
  EXPECT_EQ(r.messages[1].role, "system");  // developer maps to system
  EXPECT_EQ(r.messages[2].content, "ab");
  EXPECT_EQ(r.messages[3].content, "");
  EXPECT_TRUE(r.options.stream);
  EXPECT_TRUE(r.options.include_usage);
  EXPECT_EQ(r.options.max_tokens, 7);
  EXPECT_DOUBLE_EQ(*r.options.sampling.temperature, 0.25);
  EXPECT_DOUBLE_EQ(*r.options.sampling.top_p, 0.5);
  EXPECT_EQ(*r.options.sampling.top_k, 40);
  EXPECT_DOUBLE_EQ(*r.options.sampling.min_p, 0.05);
  EXPECT_EQ(r.options.stop, (std::vector<std::string>{"x", "yy"}));
  EXPECT_EQ(*r.options.sampling.seed, -3);
  EXPECT_DOUBLE_EQ(r.options.sampling.presence_penalty, 1.5);
  EXPECT_DOUBLE_EQ(r.options.sampling.frequency_penalty, -0.5);
  EXPECT_DOUBLE_EQ(r.options.sampling.repetition_penalty, 1.1);
  EXPECT_TRUE(r.options.logprobs);
  EXPECT_EQ(r.options.top_logprobs, 3);
  EXPECT_EQ(r.options.user, "u1");
  EXPECT_EQ(r.reasoning_format, ReasoningFormat::kNone);
}

TEST(ChatRequestParser, MaxCompletionTokensWinsOverMaxTokens) {
  EXPECT_EQ(chat_ok("{" + kMsgs + R"(,"max_tokens":5,"max_completion_tokens":9})").options.max_tokens, 9);
  EXPECT_EQ(chat_ok("{" + kMsgs + R"(,"max_completion_tokens":4})").options.max_tokens, 4);
}

TEST(ChatRequestParser, StopAsStringAndNullsAsUnset) {
  auto r = chat_ok("{" + kMsgs + R"(,"stop":"END","temperature":null,"seed":null,"n":null})");
  EXPECT_EQ(r.options.stop, std::vector<std::string>{"END"});
  EXPECT_FALSE(r.options.sampling.temperature.has_value());
  EXPECT_FALSE(r.options.sampling.seed.has_value());
}

TEST(ChatRequestParser, IntegralFloatIsAnInteger) {
  EXPECT_EQ(chat_ok("{" + kMsgs + R"(,"max_tokens":12.0})").options.max_tokens, 12);
  EXPECT_EQ(chat_err("{" + kMsgs + R"(,"max_tokens":12.5})").param, "max_tokens");
}

TEST(ChatRequestParser, MalformedJsonIs400) {
  for (const char* body : {"", "{", "not json", "{\"messages\":[}", "[1,2]", "\"str\"", "{\"a\":1}x"}) {
    auto e = chat_err(body);
    EXPECT_EQ(e.status, 400) << body;
    EXPECT_EQ(e.type, "invalid_request_error");
  }
}

TEST(ChatRequestParser, InvalidUtf8Is400) {
  auto e = chat_err("{\"messages\":[{\"role\":\"user\",\"content\":\"\xff\xfe\"}]}");
  EXPECT_EQ(e.status, 400);
}

TEST(ChatRequestParser, WrongTypesNameTheField) {
  struct Case {
    std::string extra;
    std::string param;
  };
  const Case cases[] = {
      {R"("model":3)", "model"},
      {R"("stream":"yes")", "stream"},
      {R"("stream_options":true)", "stream_options"},
      {R"("stream_options":{"include_usage":1})", "stream_options.include_usage"},
      {R"("max_tokens":"10")", "max_tokens"},
      {R"("max_completion_tokens":[1])", "max_completion_tokens"},
      {R"("temperature":"hot")", "temperature"},
      {R"("top_p":true)", "top_p"},
      {R"("top_k":1.5)", "top_k"},
      {R"("min_p":{})", "min_p"},
      {R"("seed":"1")", "seed"},
      {R"("presence_penalty":"0")", "presence_penalty"},
      {R"("frequency_penalty":[])", "frequency_penalty"},
      {R"("repetition_penalty":false)", "repetition_penalty"},
      {R"("n":"1")", "n"},
      {R"("stop":5)", "stop"},
      {R"("stop":["a",5])", "stop[1]"},
      {R"("logprobs":1)", "logprobs"},
      {R"("user":5)", "user"},
      {R"("reasoning_format":1)", "reasoning_format"},
  };
  for (const auto& c : cases) {
    auto e = chat_err("{" + kMsgs + "," + c.extra + "}");
    EXPECT_EQ(e.status, 400) << c.extra;
    EXPECT_EQ(e.param, c.param) << c.extra;
    EXPECT_NE(e.message.find(c.param), std::string::npos) << e.message;
  }
}

TEST(ChatRequestParser, OutOfRangeValues) {
  struct Case {
    std::string extra;
    std::string param;
  };
  const Case cases[] = {
      {R"("max_tokens":0)", "max_tokens"},
      {R"("max_tokens":-1)", "max_tokens"},
      {R"("max_tokens":99999999999)", "max_tokens"},
      {R"("temperature":2.5)", "temperature"},
      {R"("temperature":-0.1)", "temperature"},
      {R"("top_p":1.01)", "top_p"},
      {R"("min_p":-1)", "min_p"},
      {R"("top_k":-1)", "top_k"},
      {R"("presence_penalty":3)", "presence_penalty"},
      {R"("frequency_penalty":-2.5)", "frequency_penalty"},
      {R"("repetition_penalty":0)", "repetition_penalty"},
      {R"("seed":18446744073709551615)", "seed"},
      {R"("n":2)", "n"},
      {R"("n":0)", "n"},
      {R"("stop":["a","b","c","d","e"])", "stop"},
      {R"("logprobs":true,"top_logprobs":21)", "top_logprobs"},
      {R"("top_logprobs":2)", "top_logprobs"},  // needs logprobs
      {R"("reasoning_format":"fancy")", "reasoning_format"},
  };
  for (const auto& c : cases) {
    auto e = chat_err("{" + kMsgs + "," + c.extra + "}");
    EXPECT_EQ(e.status, 400) << c.extra;
    EXPECT_EQ(e.param, c.param) << c.extra;
  }
}

TEST(ChatRequestParser, LongStopStringIsRejected) {
  auto e = chat_err("{" + kMsgs + R"(,"stop":")" + std::string(300, 'x') + R"("})");
  EXPECT_EQ(e.param, "stop");
}

TEST(ChatRequestParser, MessagesAreValidated) {
  EXPECT_EQ(chat_err(R"({})").param, "messages");
  EXPECT_EQ(chat_err(R"({"messages":[]})").param, "messages");
  EXPECT_EQ(chat_err(R"({"messages":{}})").param, "messages");
  EXPECT_EQ(chat_err(R"({"messages":[5]})").param, "messages[0]");
  EXPECT_EQ(chat_err(R"({"messages":[{"content":"x"}]})").param, "messages[0].role");
  EXPECT_EQ(chat_err(R"({"messages":[{"role":"tool","content":"x"}]})").param, "messages[0].role");
  EXPECT_EQ(chat_err(R"({"messages":[{"role":"user"}]})").param, "messages[0].content");
  EXPECT_EQ(chat_err(R"({"messages":[{"role":"user","content":7}]})").param, "messages[0].content");
  EXPECT_EQ(chat_err(R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]})").param,
            "messages[0].content[0].type");
  EXPECT_EQ(chat_err(R"({"messages":[{"role":"user","content":[{"type":"text"}]}]})").param,
            "messages[0].content[0].text");
}

TEST(ChatRequestParser, LimitsOnMessagesAndDepth) {
  RequestLimits limits;
  limits.max_messages = 2;
  auto r = parse_chat_request(
      R"({"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"},{"role":"user","content":"c"}]})",
      limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().param, "messages");

  const std::string deep = "{\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto d = parse_chat_request(deep);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("nested"), std::string::npos);
  // Brackets inside strings do not count as nesting.
  auto s = parse_chat_request(R"({"messages":[{"role":"user","content":")" + std::string(500, '[') +
                              R"("}]})");
  EXPECT_TRUE(s.ok());
}

TEST(CompletionRequestParser, PromptForms) {
  auto r = parse_completion_request(R"({"prompt":"hello","echo":true,"logprobs":2})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().prompt, "hello");
  EXPECT_TRUE(r.value().echo);
  EXPECT_EQ(r.value().options.max_tokens, 16);  // OpenAI's default for completions
  EXPECT_TRUE(r.value().options.logprobs);
  EXPECT_EQ(r.value().options.top_logprobs, 2);

  auto a = parse_completion_request(R"({"prompt":["one"],"max_tokens":3})");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value().prompt, "one");
  EXPECT_EQ(a.value().options.max_tokens, 3);

  for (const char* bad : {R"({})", R"({"prompt":5})", R"({"prompt":["a","b"]})", R"({"prompt":[[1,2]]})",
                          R"({"prompt":"x","logprobs":6})", R"({"prompt":"x","suffix":"y"})",
                          R"({"prompt":"x","best_of":2})", R"({"prompt":"x","echo":"no"})"}) {
    auto e = parse_completion_request(bad);
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_EQ(e.error().status, 400);
    EXPECT_FALSE(e.error().param.empty()) << bad;
  }
}

TEST(TokenizeRequestParser, Fields) {
  auto r = parse_tokenize_request(R"({"content":"ab","add_special":true,"with_pieces":true})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().content, "ab");
  EXPECT_TRUE(r.value().add_special);
  EXPECT_TRUE(r.value().with_pieces);
  EXPECT_EQ(parse_tokenize_request(R"({"content":1})").error().param, "content");

  auto d = parse_detokenize_request(R"({"tokens":[1,2,3]})");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value(), (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(parse_detokenize_request(R"({"tokens":[1,"a"]})").error().param, "tokens[1]");
  EXPECT_FALSE(parse_detokenize_request(R"({"tokens":[-1]})").ok());
  EXPECT_FALSE(parse_detokenize_request(R"({"tokens":[99999999999]})").ok());
}

TEST(ApiErrorBody, HasOpenAiShape) {
  ApiError e = ApiError::invalid("bad 'n'", "n", "unsupported_value");
  EXPECT_EQ(e.body(),
            R"({"error":{"code":"unsupported_value","message":"bad 'n'","param":"n","type":"invalid_request_error"}})");
  EXPECT_EQ(ApiError::rate_limited("x").status, 429);
  EXPECT_EQ(ApiError::unauthorized("x").status, 401);
  EXPECT_EQ(ApiError::from(Error::internal("bug")).status, 500);
  EXPECT_EQ(ApiError::from(Error::invalid("no")).status, 400);
  EXPECT_EQ(ApiError::from(Error::not_found("no")).status, 404);
  EXPECT_EQ(ApiError::from(Error::unsupported("no")).status, 501);
  // No field of a user-caused error is null except param/code.
  EXPECT_NE(ApiError::invalid("m").body().find(R"("param":null)"), std::string::npos);
}

}  // namespace
}  // namespace ls::server
