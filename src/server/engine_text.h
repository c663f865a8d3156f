// What every backend on the real CPU engine does the same way around generation: tokenizer and
// chat-template endpoints on a runtime::Session, model info, request → engine options, prompt
// tokenization with its context check, engine stop reason → finish reason.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/generator.h"
#include "runtime/session.h"
#include "server/backend.h"

namespace ls::server {

Result<std::vector<int32_t>> session_tokenize(const runtime::Session& s, std::string_view text, bool add_special,
                                              bool parse_special);
Result<std::string> session_detokenize(const runtime::Session& s, const std::vector<int32_t>& tokens);
Result<std::string> session_token_piece(const runtime::Session& s, int32_t token);
Result<RenderedPrompt> session_render_chat(const runtime::Session& s, const std::vector<ChatMessage>& messages);

// id = file stem, created = file mtime, load time since `start`.
ModelInfo session_model_info(const std::string& model_path, int context_length,
                             std::chrono::steady_clock::time_point start);

// The request's prompt as tokens (BOS added unless the text starts with it). A prompt that does
// not leave room for one generated token in n_ctx, or with max_tokens more than n_ctx holds (as
// OpenAI's API refuses it), is a resource-limit error naming the numbers; `limit_note` says where
// n_ctx comes from (e.g. "--ctx 4096").
Result<std::vector<int32_t>> request_prompt_ids(const runtime::Session& s, const GenerationRequest& r, int n_ctx,
                                                const std::string& limit_note);

Result<runtime::GenerateOptions> engine_options(const GenerationRequest& r);
FinishReason finish_of(runtime::StopReason r);

// The part of a Backend that is the same for every engine on a runtime::Session: model info, the KV
// gauge and the tokenizer/chat-template endpoints. Engines derive from it and add submit().
class SessionTextBackend : public Backend {
 public:
  ModelInfo info() const override { return info_; }
  std::optional<double> kv_used_ratio() const override { return kv_used_.load(); }
  Result<std::vector<int32_t>> tokenize(std::string_view text, bool add_special, bool parse_special) const override {
    return session_tokenize(*session_, text, add_special, parse_special);
  }
  Result<std::string> detokenize(const std::vector<int32_t>& tokens) const override {
    return session_detokenize(*session_, tokens);
  }
  Result<std::string> token_piece(int32_t token) const override { return session_token_piece(*session_, token); }
  Result<RenderedPrompt> render_chat(const std::vector<ChatMessage>& messages) const override {
    return session_render_chat(*session_, messages);
  }

 protected:
  std::unique_ptr<runtime::Session> session_;  // destroyed after the derived engine's members
  ModelInfo info_;
  std::atomic<double> kv_used_{0};
};

}  // namespace ls::server
