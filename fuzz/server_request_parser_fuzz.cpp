// libFuzzer target: the OpenAI request parsers on arbitrary bytes must return a request or a 4xx
// error, never crash, hang or allocate hugely; what they accept respects the limits. The same
// bytes, as generated text, must come out of the SSE encoder as well-formed JSON events.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/openai_output.h"
#include "server/openai_request.h"

namespace {

using namespace ls::server;

void check(bool ok) {
  if (!ok) std::abort();
}

template <class T>
void check_result(const ApiResult<T>& r) {
  if (r.ok()) return;
  check(r.error().status == 400);
  check(!r.error().message.empty());
  check(!nlohmann::json::parse(r.error().body(), nullptr, false).is_discarded());
}

// Every "data: …\n\n" frame holds JSON (or [DONE]).
void check_frames(const std::string& sse) {
  size_t pos = 0;
  while (pos < sse.size()) {
    check(sse.compare(pos, 6, "data: ") == 0);
    size_t end = sse.find("\n\n", pos);
    check(end != std::string::npos);
    std::string data = sse.substr(pos + 6, end - pos - 6);
    check(data == "[DONE]" || !nlohmann::json::parse(data, nullptr, false).is_discarded());
    pos = end + 2;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  RequestLimits limits;

  auto chat = parse_chat_request(body, limits);
  check_result(chat);
  if (chat.ok()) {
    const auto& r = chat.value();
    check(!r.messages.empty() && r.messages.size() <= limits.max_messages);
    check(r.options.stop.size() <= limits.max_stop);
    check(r.options.top_logprobs >= 0 && r.options.top_logprobs <= limits.max_top_logprobs);
    check(!r.options.max_tokens || (*r.options.max_tokens >= 1 && *r.options.max_tokens <= limits.max_tokens));
    for (const auto& m : r.messages) check(m.role == "system" || m.role == "user" || m.role == "assistant");
  }
  auto completion = parse_completion_request(body, limits);
  check_result(completion);
  check_result(parse_tokenize_request(body, limits));
  check_result(parse_detokenize_request(body, limits));

  // The input as a generation, cut into 3-byte "tokens", streamed in both reasoning formats
  // (the first 64 bytes: enough for tags and broken UTF-8, cheap enough to keep fuzzing fast).
  const size_t text_size = std::min<size_t>(size, 64);
  for (ReasoningFormat format : {ReasoningFormat::kDeepseek, ReasoningFormat::kNone}) {
    GenerationOptions options;
    options.logprobs = true;
    options.include_usage = true;
    ChatOutput out(ResponseMeta{"chatcmpl-fuzz", 0, "fuzz"}, options, format, size % 2 == 0);
    std::string sse = out.stream_start();
    for (size_t i = 0; i < text_size; i += 3) {
      TokenEvent t;
      t.text = std::string(body.substr(i, 3));
      t.top.push_back({1, t.text, -1.0});
      sse += out.stream_token(t);
    }
    sse += out.stream_finish(GenerationDone{});
    check_frames(sse);
  }
  return 0;
}
