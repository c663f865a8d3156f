// Log-probabilities of a generated token and its most likely alternatives, as the OpenAI API
// reports them (`logprobs` / `top_logprobs`).
//
// They come from the model's raw distribution: log-softmax of the logits exactly as the forward
// pass produced them, before repetition/presence/frequency penalties, temperature, top-k/top-p/
// min-p. That is what OpenAI's API and vLLM (its default "raw" mode) return, so a client sees the
// same numbers whatever sampling settings it chose, and they can be checked against
// `localseek logits`. (llama.cpp's server reports post-sampling probabilities instead.)
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace ls::runtime {

struct TokenLogprob {
  int32_t id = 0;
  float logprob = 0.0f;  // natural log; -inf for a token the model cannot produce
};

struct TokenLogprobs {
  TokenLogprob chosen;
  std::vector<TokenLogprob> top;  // the `top_n` most likely tokens, best first (lowest id on ties)
};

// One pass over the vocabulary for the normaliser plus one that keeps the best `top_n` in a small
// sorted list; allocates only the `top_n` result. `chosen` must index `logits`; top_n is clamped
// to the vocabulary size.
TokenLogprobs token_logprobs(std::span<const float> logits, int32_t chosen, int top_n);

}  // namespace ls::runtime
