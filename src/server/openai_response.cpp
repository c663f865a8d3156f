#include "server/openai_response.h"

#include <chrono>
#include <random>

namespace ls::server {

using json = nlohmann::json;

namespace {

json bytes_of(const std::string& s) {
  json b = json::array();
  for (unsigned char c : s) b.push_back(static_cast<int>(c));
  return b;
}

// Every completion object and chunk: {id, object, created, model, choices[, usage]}.
json envelope(const ResponseMeta& meta, const char* object, json choices, const Usage* usage = nullptr) {
  json j = {{"id", meta.id},     {"object", object},
            {"created", meta.created}, {"model", meta.model},
            {"choices", std::move(choices)}};
  if (usage != nullptr) j["usage"] = usage_json(*usage);
  return j;
}

json finish_json(std::optional<FinishReason> f) {
  if (!f) return nullptr;
  return finish_reason_name(*f);
}

}  // namespace

const char* finish_reason_name(FinishReason r) {
  switch (r) {
    case FinishReason::kStop: return "stop";
    case FinishReason::kLength: return "length";
    case FinishReason::kCancelled: return "stop";  // what a client sees if it is still there
    case FinishReason::kError: return "stop";
  }
  return "stop";
}

ResponseMeta make_meta(const char* id_prefix, const std::string& model) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char hex[25];
  std::snprintf(hex, sizeof hex, "%016llx%08x", static_cast<unsigned long long>(rng()),
                static_cast<unsigned>(rng()));
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return {std::string(id_prefix) + hex,
          std::chrono::duration_cast<std::chrono::seconds>(now).count(), model};
}

json usage_json(const Usage& u) {
  return {{"prompt_tokens", u.prompt_tokens},
          {"completion_tokens", u.completion_tokens},
          {"total_tokens", u.prompt_tokens + u.completion_tokens},
          {"prompt_tokens_details", {{"cached_tokens", u.cached_tokens}}}};
}

json model_json(const ModelInfo& m) {
  json j = {{"id", m.id}, {"object", "model"}, {"created", m.created}, {"owned_by", m.owned_by}};
  if (m.context_length > 0) j["meta"] = {{"n_ctx_train", m.context_length}};
  return j;
}

json models_json(const ModelInfo& m) {
  return {{"object", "list"}, {"data", json::array({model_json(m)})}};
}

json chat_logprob_json(const TokenEvent& t) {
  json top = json::array();
  for (const auto& alt : t.top)
    top.push_back({{"token", alt.text}, {"logprob", alt.logprob}, {"bytes", bytes_of(alt.text)}});
  return {{"token", t.piece}, {"logprob", t.logprob}, {"bytes", bytes_of(t.piece)},
          {"top_logprobs", top}};
}

json chat_completion_json(const ResponseMeta& meta, const ChoiceText& text, FinishReason finish,
                          const json& logprobs_content, const Usage& usage) {
  json message = {{"role", "assistant"}, {"content", text.content}};
  if (!text.reasoning.empty()) {
    message["reasoning_content"] = text.reasoning;
    message["reasoning"] = text.reasoning;  // the field name other servers/clients use
  }
  json choice = {{"index", 0}, {"message", message}, {"finish_reason", finish_json(finish)}};
  choice["logprobs"] = logprobs_content.is_null() ? json(nullptr) : json{{"content", logprobs_content}};
  return envelope(meta, "chat.completion", json::array({choice}), &usage);
}

json chat_chunk_json(const ResponseMeta& meta, const json& delta, std::optional<FinishReason> finish,
                     const json& logprobs_content) {
  json choice = {{"index", 0}, {"delta", delta}, {"finish_reason", finish_json(finish)}};
  choice["logprobs"] = logprobs_content.is_null() ? json(nullptr) : json{{"content", logprobs_content}};
  return envelope(meta, "chat.completion.chunk", json::array({choice}));
}

json chat_usage_chunk_json(const ResponseMeta& meta, const Usage& usage) {
  return envelope(meta, "chat.completion.chunk", json::array(), &usage);
}

void CompletionLogprobs::add(const TokenEvent& t, size_t offset) {
  tokens.push_back(t.piece);
  token_logprobs.push_back(t.logprob);
  json top = json::object();
  for (const auto& alt : t.top) top[alt.text] = alt.logprob;
  top_logprobs.push_back(top);
  text_offset.push_back(offset);
}

json CompletionLogprobs::to_json() const {
  return {{"tokens", tokens}, {"token_logprobs", token_logprobs}, {"top_logprobs", top_logprobs},
          {"text_offset", text_offset}};
}

json text_completion_json(const ResponseMeta& meta, const std::string& text, FinishReason finish,
                          const json& logprobs, const Usage& usage) {
  json choice = {{"index", 0}, {"text", text}, {"logprobs", logprobs},
                 {"finish_reason", finish_json(finish)}};
  return envelope(meta, "text_completion", json::array({choice}), &usage);
}

json text_chunk_json(const ResponseMeta& meta, const std::string& text,
                     std::optional<FinishReason> finish, const json& logprobs) {
  json choice = {{"index", 0}, {"text", text}, {"logprobs", logprobs},
                 {"finish_reason", finish_json(finish)}};
  return envelope(meta, "text_completion", json::array({choice}));
}

json text_usage_chunk_json(const ResponseMeta& meta, const Usage& usage) {
  return envelope(meta, "text_completion", json::array(), &usage);
}

std::string to_json_text(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string sse_event(const json& j) { return "data: " + to_json_text(j) + "\n\n"; }

std::string sse_done() { return "data: [DONE]\n\n"; }

}  // namespace ls::server
