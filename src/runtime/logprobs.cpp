#include "runtime/logprobs.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ls::runtime {

TokenLogprobs token_logprobs(std::span<const float> logits, int32_t chosen, int top_n) {
  TokenLogprobs out;
  if (logits.empty()) return out;
  // log Σ exp(x) in double around the maximum, so large logits neither overflow nor lose the tail.
  float max = -std::numeric_limits<float>::infinity();
  for (float x : logits) max = std::max(max, x);
  double sum = 0.0;
  for (float x : logits) sum += std::exp(static_cast<double>(x) - max);
  const double log_norm = static_cast<double>(max) + std::log(sum);
  auto logprob = [&](int32_t id) {
    return static_cast<float>(static_cast<double>(logits[static_cast<size_t>(id)]) - log_norm);
  };
  out.chosen = {chosen, logprob(chosen)};

  const size_t n = std::min(static_cast<size_t>(std::max(0, top_n)), logits.size());
  if (n == 0) return out;
  // Insertion into a sorted list of n: n is at most a few dozen, and almost every logit fails
  // the first comparison against the current n-th best.
  auto better = [&](int32_t a, int32_t b) {
    const float la = logits[static_cast<size_t>(a)], lb = logits[static_cast<size_t>(b)];
    return la > lb || (la == lb && a < b);
  };
  std::vector<int32_t> best;
  best.reserve(n);
  for (size_t i = 0; i < logits.size(); ++i) {
    const auto id = static_cast<int32_t>(i);
    if (best.size() == n && !better(id, best.back())) continue;
    if (best.size() == n) best.pop_back();
    best.insert(std::upper_bound(best.begin(), best.end(), id, better), id);
  }
  out.top.reserve(n);
  for (int32_t id : best) out.top.push_back({id, logprob(id)});
  return out;
}

}  // namespace ls::runtime
