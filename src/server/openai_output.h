// Turns a stream of generated tokens into what the client gets: SSE frames while streaming, or one
// JSON document at the end. Chat output splits DeepSeek-R1's <think> block into reasoning_content.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "server/backend.h"
#include "server/openai_request.h"
#include "server/openai_response.h"
#include "chat/reasoning_parser.h"

namespace ls::server {

class ChatOutput {
 public:
  ChatOutput(ResponseMeta meta, const GenerationOptions& options, ReasoningFormat format,
             bool prompt_opens_reasoning);

  // Streaming: the first frame (the assistant role with empty content), sent once admitted.
  std::string stream_start();
  // Streaming: the SSE frames this token produces (possibly none while a tag is undecided).
  std::string stream_token(const TokenEvent& t);
  // Streaming: the closing frames (last deltas, finish_reason, usage when asked, [DONE]).
  std::string stream_finish(const GenerationDone& done);

  void add_token(const TokenEvent& t);
  nlohmann::json finish(const GenerationDone& done);

  // Grounded answers (rag): answer text passes through `filter` (final=true once, at the end, to
  // flush what it held back); `extra` fields (citations, warnings) are added to the response, or
  // sent as one chunk with empty choices before [DONE] when streaming.
  using ContentFilter = std::function<std::string(const std::string& text, bool final)>;
  void set_grounding(ContentFilter filter, nlohmann::json extra);

 private:
  chat::ReasoningDelta split(const std::string& text);
  chat::ReasoningDelta split_finish();
  std::string delta_frames(const chat::ReasoningDelta& d);

  ResponseMeta meta_;
  bool logprobs_;
  bool include_usage_;
  std::optional<chat::ReasoningParser> reasoning_;  // empty for reasoning_format none
  bool sent_role_ = false;
  nlohmann::json logprobs_pending_ = nlohmann::json::array();  // tokens not yet in a chunk
  ChoiceText text_;
  nlohmann::json logprobs_all_ = nlohmann::json::array();
  ContentFilter filter_;
  nlohmann::json extra_;
};

class CompletionOutput {
 public:
  CompletionOutput(ResponseMeta meta, const CompletionRequest& request);

  std::string stream_start();  // the echoed prompt when asked, else nothing
  std::string stream_token(const TokenEvent& t);
  std::string stream_finish(const GenerationDone& done);

  void add_token(const TokenEvent& t);
  nlohmann::json finish(const GenerationDone& done);

 private:
  ResponseMeta meta_;
  bool logprobs_;
  bool include_usage_;
  std::string text_;
  bool echo_;
  CompletionLogprobs logprobs_all_;
};

}  // namespace ls::server
