// A deterministic stand-in engine for tests and demos: it "generates" a scripted reply token by
// token (one token per Unicode character, chat markers and <think> tags as single tokens), with a
// configurable delay, so every HTTP behaviour (streaming, reasoning split, queueing, cancellation,
// timeouts) can be exercised without a model. `localseek serve --backend scripted:FILE`.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/backend.h"

namespace ls::server {

struct Script {
  std::string model = "scripted";
  // "{{last_user}}" is replaced by the last user message (or the whole prompt of a completion).
  std::string reply = "<think>\nThe user greets me.\n</think>\n\nHello! How can I help?";
  std::chrono::milliseconds token_delay{0};
  std::chrono::milliseconds first_token_delay{0};
  bool prompt_opens_reasoning = false;  // the template ends with "<think>\n" (R1's later template)
  int context_length = 4096;
  int fail_after_tokens = -1;  // ≥0: finish with an engine error after that many tokens
};

// Reads a script from JSON: {"model", "reply", "token_delay_ms", "first_token_delay_ms",
// "prompt_opens_reasoning", "context_length", "fail_after_tokens"}; absent fields keep defaults.
Result<Script> parse_script(const std::string& json_text);
Result<Script> load_script(const std::string& path);

class ScriptedBackend : public Backend {
 public:
  explicit ScriptedBackend(Script script);

  ModelInfo info() const override;
  Result<std::vector<int32_t>> tokenize(std::string_view text, bool add_special,
                                        bool parse_special) const override;
  Result<std::string> detokenize(const std::vector<int32_t>& tokens) const override;
  Result<std::string> token_piece(int32_t token) const override;
  Result<RenderedPrompt> render_chat(const std::vector<ChatMessage>& messages) const override;
  Result<std::unique_ptr<Generation>> submit(GenerationRequest request, TokenCallback on_token,
                                             DoneCallback on_done) override;

  // How many generations were cancelled (tests check that a vanished client cancels).
  int cancellations() const;
  int submissions() const;

 private:
  friend class ScriptedGeneration;
  int cached_prefix(const std::vector<int32_t>& prompt);

  Script script_;
  mutable std::mutex mu_;
  std::vector<int32_t> last_prompt_;  // a one-entry "prefix cache" for cached_tokens
  int cancellations_ = 0;
  int submissions_ = 0;
};

}  // namespace ls::server
