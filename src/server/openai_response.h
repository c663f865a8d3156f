// OpenAI response bodies (chat.completion, chat.completion.chunk, text_completion, models) and
// the Server-Sent-Events framing of streams, shaped as the official clients parse them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/backend.h"

namespace ls::server {

struct ResponseMeta {
  std::string id;       // chatcmpl-… / cmpl-…
  int64_t created = 0;  // unix seconds
  std::string model;
};

ResponseMeta make_meta(const char* id_prefix, const std::string& model);

// The text of a finished choice after the reasoning split (reasoning empty when none).
struct ChoiceText {
  std::string content;
  std::string reasoning;
};

nlohmann::json usage_json(const Usage& u);
nlohmann::json models_json(const ModelInfo& m);
nlohmann::json model_json(const ModelInfo& m);

// Chat logprobs for one token: {token, logprob, bytes, top_logprobs:[…]}.
nlohmann::json chat_logprob_json(const TokenEvent& t);

nlohmann::json chat_completion_json(const ResponseMeta& meta, const ChoiceText& text,
                                    FinishReason finish, const nlohmann::json& logprobs_content,
                                    const Usage& usage);

// One streamed chunk; `delta` holds role/content/reasoning_content as present.
nlohmann::json chat_chunk_json(const ResponseMeta& meta, const nlohmann::json& delta,
                               std::optional<FinishReason> finish,
                               const nlohmann::json& logprobs_content = nullptr);
// The final usage chunk of stream_options.include_usage: empty choices.
nlohmann::json chat_usage_chunk_json(const ResponseMeta& meta, const Usage& usage);

// Legacy completions logprobs: parallel arrays tokens/token_logprobs/top_logprobs/text_offset.
struct CompletionLogprobs {
  std::vector<std::string> tokens;
  std::vector<double> token_logprobs;
  std::vector<nlohmann::json> top_logprobs;  // {token: logprob} objects
  std::vector<size_t> text_offset;
  void add(const TokenEvent& t, size_t offset);
  nlohmann::json to_json() const;
};

nlohmann::json text_completion_json(const ResponseMeta& meta, const std::string& text,
                                    FinishReason finish, const nlohmann::json& logprobs,
                                    const Usage& usage);
nlohmann::json text_chunk_json(const ResponseMeta& meta, const std::string& text,
                               std::optional<FinishReason> finish,
                               const nlohmann::json& logprobs = nullptr);
nlohmann::json text_usage_chunk_json(const ResponseMeta& meta, const Usage& usage);

// Serialises with invalid UTF-8 replaced (generated text may end mid-character).
std::string to_json_text(const nlohmann::json& j);
// "data: <json>\n\n" and the terminating "data: [DONE]\n\n".
std::string sse_event(const nlohmann::json& j);
std::string sse_done();

}  // namespace ls::server
