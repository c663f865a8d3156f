#include "server/openai_output.h"

namespace ls::server {

using json = nlohmann::json;

ChatOutput::ChatOutput(ResponseMeta meta, const GenerationOptions& options, ReasoningFormat format,
                       bool prompt_opens_reasoning)
    : meta_(std::move(meta)), logprobs_(options.logprobs), include_usage_(options.include_usage) {
  if (format == ReasoningFormat::kDeepseek) reasoning_.emplace(prompt_opens_reasoning);
}

void ChatOutput::set_grounding(ContentFilter filter, json extra) {
  filter_ = std::move(filter);
  extra_ = std::move(extra);
}

chat::ReasoningDelta ChatOutput::split(const std::string& text) {
  chat::ReasoningDelta d = reasoning_ ? reasoning_->feed(text) : chat::ReasoningDelta{"", text};
  if (filter_) d.content = filter_(d.content, false);
  return d;
}

chat::ReasoningDelta ChatOutput::split_finish() {
  chat::ReasoningDelta d = reasoning_ ? reasoning_->finish() : chat::ReasoningDelta{};
  if (filter_) d.content = filter_(d.content, true);
  return d;
}

std::string ChatOutput::delta_frames(const chat::ReasoningDelta& d) {
  std::string out;
  auto emit = [&](json delta) {
    if (!sent_role_) {
      delta["role"] = "assistant";
      sent_role_ = true;
    }
    json lp = nullptr;
    if (logprobs_ && !logprobs_pending_.empty()) {
      lp = std::move(logprobs_pending_);
      logprobs_pending_ = json::array();
    }
    out += sse_event(chat_chunk_json(meta_, delta, std::nullopt, lp));
  };
  // Reasoning of a token goes out before its answer text, as it came first in the generation.
  if (!d.reasoning.empty()) emit({{"reasoning_content", d.reasoning}, {"reasoning", d.reasoning}});
  if (!d.content.empty()) emit({{"content", d.content}});
  return out;
}

std::string ChatOutput::stream_start() {
  sent_role_ = true;
  return sse_event(chat_chunk_json(meta_, {{"role", "assistant"}, {"content", ""}}, std::nullopt));
}

std::string ChatOutput::stream_token(const TokenEvent& t) {
  if (logprobs_) logprobs_pending_.push_back(chat_logprob_json(t));
  return delta_frames(split(t.text));
}

std::string ChatOutput::stream_finish(const GenerationDone& done) {
  std::string out = delta_frames(split_finish());
  json delta = json::object();
  if (!sent_role_) {
    delta["role"] = "assistant";
    delta["content"] = "";
    sent_role_ = true;
  }
  json lp = nullptr;
  if (logprobs_ && !logprobs_pending_.empty()) lp = std::move(logprobs_pending_);
  out += sse_event(chat_chunk_json(meta_, delta, done.reason, lp));
  if (include_usage_) out += sse_event(chat_usage_chunk_json(meta_, done.usage));
  if (extra_.is_object() && !extra_.empty()) {
    json chunk = chat_chunk_json(meta_, json::object(), std::nullopt);
    chunk["choices"] = json::array();
    chunk.update(extra_);
    out += sse_event(chunk);
  }
  out += sse_done();
  return out;
}

void ChatOutput::add_token(const TokenEvent& t) {
  if (logprobs_) logprobs_all_.push_back(chat_logprob_json(t));
  auto d = split(t.text);
  text_.reasoning += d.reasoning;
  text_.content += d.content;
}

json ChatOutput::finish(const GenerationDone& done) {
  auto d = split_finish();
  text_.reasoning += d.reasoning;
  text_.content += d.content;
  json out = chat_completion_json(meta_, text_, done.reason, logprobs_ ? logprobs_all_ : json(nullptr),
                                  done.usage);
  if (extra_.is_object()) out.update(extra_);
  return out;
}

CompletionOutput::CompletionOutput(ResponseMeta meta, const CompletionRequest& request)
    : meta_(std::move(meta)),
      logprobs_(request.options.logprobs),
      include_usage_(request.options.include_usage),
      echo_(request.echo) {
  if (echo_) text_ = request.prompt;
}

std::string CompletionOutput::stream_start() {
  if (!echo_ || text_.empty()) return {};
  return sse_event(text_chunk_json(meta_, text_, std::nullopt));
}

std::string CompletionOutput::stream_token(const TokenEvent& t) {
  json lp = nullptr;
  if (logprobs_) {
    CompletionLogprobs one;
    one.add(t, text_.size());
    lp = one.to_json();
  }
  text_ += t.text;
  if (t.text.empty() && !logprobs_) return {};
  return sse_event(text_chunk_json(meta_, t.text, std::nullopt, lp));
}

std::string CompletionOutput::stream_finish(const GenerationDone& done) {
  std::string out = sse_event(text_chunk_json(meta_, "", done.reason));
  if (include_usage_) out += sse_event(text_usage_chunk_json(meta_, done.usage));
  out += sse_done();
  return out;
}

void CompletionOutput::add_token(const TokenEvent& t) {
  if (logprobs_) logprobs_all_.add(t, text_.size());
  text_ += t.text;
}

json CompletionOutput::finish(const GenerationDone& done) {
  return text_completion_json(meta_, text_, done.reason,
                              logprobs_ ? logprobs_all_.to_json() : json(nullptr), done.usage);
}

}  // namespace ls::server
