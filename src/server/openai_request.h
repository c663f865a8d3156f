// Parsing of OpenAI request bodies into the server's request structs: a pure function of the bytes,
// fuzzed (fuzz/server_request_parser.cpp). Unknown fields are ignored as OpenAI clients expect;
// known fields of the wrong type or out of range are a 400 that names the field.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/api_error.h"
#include "server/backend.h"

namespace ls::server {

enum class ReasoningFormat { kDeepseek, kNone };

struct RequestLimits {
  size_t max_messages = 4096;
  int max_tokens = 1 << 20;     // a sanity cap; the context length caps it further
  size_t max_stop = 4;          // as OpenAI
  size_t max_stop_length = 256;  // bytes per stop string
  int max_top_logprobs = 20;
  int max_json_depth = 64;
};

// Fields common to chat and text completions.
struct GenerationOptions {
  std::string model;                    // empty: the loaded model
  bool stream = false;
  bool include_usage = false;           // stream_options.include_usage
  std::optional<int> max_tokens;        // max_tokens or max_completion_tokens
  SamplingParams sampling;
  std::vector<std::string> stop;
  bool logprobs = false;
  int top_logprobs = 0;
  std::string user;
  bool ignore_eos = false;  // vLLM / llama-server extension: generate past end-of-generation tokens
};

struct ChatCompletionRequest {
  GenerationOptions options;
  std::vector<ChatMessage> messages;
  std::optional<ReasoningFormat> reasoning_format;  // unset: the server default
};

struct CompletionRequest {
  GenerationOptions options;
  std::string prompt;
  bool echo = false;
};

ApiResult<ChatCompletionRequest> parse_chat_request(std::string_view body,
                                                    const RequestLimits& limits = {});
ApiResult<CompletionRequest> parse_completion_request(std::string_view body,
                                                      const RequestLimits& limits = {});

// Helpers shared by the small llama-server style endpoints (/tokenize, /detokenize).
struct TokenizeRequest {
  std::string content;
  bool add_special = false;
  bool parse_special = true;
  bool with_pieces = false;
};
ApiResult<TokenizeRequest> parse_tokenize_request(std::string_view body,
                                                  const RequestLimits& limits = {});
ApiResult<std::vector<int32_t>> parse_detokenize_request(std::string_view body,
                                                         const RequestLimits& limits = {});

std::optional<ReasoningFormat> reasoning_format_from_name(std::string_view name);

}  // namespace ls::server
