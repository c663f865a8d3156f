// Picks the next token from logits: repetition / presence / frequency penalties over the recent
// history, then top-k, top-p, min-p, temperature, and a seeded draw — or the argmax (lowest id on
// ties) when the temperature is 0. Buffers are sized once; sampling allocates nothing.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "util/error.h"

namespace ls::runtime {

struct SamplingParams {
  float temperature = 0.8f;      // <= 0: greedy
  int top_k = 40;                // <= 0: off
  float top_p = 0.95f;           // >= 1: off
  float min_p = 0.05f;           // <= 0: off
  float repeat_penalty = 1.0f;   // 1: off
  float presence_penalty = 0.0f;
  float frequency_penalty = 0.0f;
  int penalty_last_n = 64;       // how many recent tokens the penalties look at
  uint64_t seed = 0;             // with has_seed: reproducible draws
  bool has_seed = false;

  static SamplingParams greedy();
  // Errors name the parameter and its valid range.
  Status validate() const;
};

class Sampler {
 public:
  Sampler(const SamplingParams& p, int n_vocab);

  // The next token for these logits (n_vocab floats), given the accepted history.
  int32_t sample(std::span<const float> logits);
  // Records a token (prompt or generated) in the penalty history.
  void accept(int32_t id);
  void reset();

  const SamplingParams& params() const { return p_; }

 private:
  struct Candidate {
    int32_t id;
    float logit;
    float p;
  };
  void apply_penalties();
  int32_t draw();

  SamplingParams p_;
  int n_vocab_;
  std::mt19937_64 rng_;
  std::vector<Candidate> cand_;
  std::vector<int32_t> history_;   // ring buffer of the last penalty_last_n tokens
  size_t history_pos_ = 0;
  size_t history_len_ = 0;
  std::vector<int32_t> counts_;    // occurrences of each id in the history
};

// Argmax with the lowest id winning ties (llama.cpp's greedy sampler).
int32_t argmax(std::span<const float> logits);

}  // namespace ls::runtime
