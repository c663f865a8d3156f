// Single-sequence generation: evaluates a prompt (as one batch, reusing whatever prefix the
// context already holds, so a chat turn only pays for its new tokens), then samples one token at
// a time, streaming finished text through a callback until a stop condition. The continuous-
// batching scheduler builds on the same pieces later.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/context.h"
#include "runtime/sampler.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"

namespace ls::runtime {

enum class StopReason { kLength, kEndOfGeneration, kStopString, kContextFull, kCancelled };
std::string_view stop_reason_name(StopReason r);

struct GenerateOptions {
  int max_tokens = 256;  // < 0: until the context is full
  SamplingParams sampling;
  std::vector<std::string> stop;  // stop strings (not part of the output)
  bool stop_at_eog = true;        // end at EOS/EOT tokens (they are not part of the output)
};

struct GenerateResult {
  std::vector<int32_t> ids;  // generated tokens (including a final EOG token, if any)
  std::string text;          // their text, without stop strings / EOG
  StopReason reason = StopReason::kLength;
  int n_prompt = 0;          // prompt tokens
  int n_prompt_reused = 0;   // ... of which were already in the context
  double prompt_seconds = 0.0;
  double gen_seconds = 0.0;
};

// Receives text as it becomes final; returning false stops generation (kCancelled).
using OnText = std::function<bool(std::string_view text)>;

// One generated token, as the step callback sees it: every sampled token gets exactly one step,
// the final end-of-generation token included (so steps == GenerateResult::ids).
struct TokenStep {
  int32_t id = 0;
  // The raw logits the token was sampled from (before penalties/temperature); valid only during
  // the callback. runtime::token_logprobs turns them into logprobs.
  std::span<const float> logits;
  // Text that became final with this token: may be empty (held back as a possible stop-string
  // start or a partial UTF-8 character) or include earlier tokens' held-back text; on the last
  // step it includes everything still held back.
  std::string_view text;
  bool last = false;  // generation ends after this step (unless the callback cancels first)
};
// Returning false stops generation (kCancelled).
using OnStep = std::function<bool(const TokenStep& step)>;

class Generator {
 public:
  Generator(model::Context& ctx, const tok::Tokenizer& tok, std::vector<int32_t> eog_ids);

  Result<GenerateResult> generate(std::span<const int32_t> prompt, const GenerateOptions& opts,
                                  const OnText& on_text = {});
  Result<GenerateResult> generate_steps(std::span<const int32_t> prompt, const GenerateOptions& opts,
                                        const OnStep& on_step);

  // The tokens whose K/V the context holds, in order.
  const std::vector<int32_t>& cached_tokens() const { return cached_; }

 private:
  bool is_eog(int32_t id) const;

  model::Context& ctx_;
  const tok::Tokenizer& tok_;
  std::vector<int32_t> eog_;
  std::vector<int32_t> cached_;
};

}  // namespace ls::runtime
