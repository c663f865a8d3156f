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

class Generator {
 public:
  Generator(model::Context& ctx, const tok::Tokenizer& tok, std::vector<int32_t> eog_ids);

  Result<GenerateResult> generate(std::span<const int32_t> prompt, const GenerateOptions& opts,
                                  const OnText& on_text = {});

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
