#include "runtime/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ls::runtime {

SamplingParams SamplingParams::greedy() {
  SamplingParams p;
  p.temperature = 0.0f;
  return p;
}

Status SamplingParams::validate() const {
  auto bad = [](const std::string& what) { return Error::invalid(what); };
  if (!std::isfinite(temperature) || temperature > 100.0f) return bad("temperature must be between 0 and 100");
  if (!(top_p > 0.0f && top_p <= 1.0f)) return bad("top-p must be in (0, 1]");
  if (!(min_p >= 0.0f && min_p <= 1.0f)) return bad("min-p must be in [0, 1]");
  if (!(repeat_penalty > 0.0f && repeat_penalty <= 10.0f)) return bad("repeat penalty must be in (0, 10]");
  if (!std::isfinite(presence_penalty) || std::abs(presence_penalty) > 10.0f) return bad("presence penalty must be in [-10, 10]");
  if (!std::isfinite(frequency_penalty) || std::abs(frequency_penalty) > 10.0f) return bad("frequency penalty must be in [-10, 10]");
  if (penalty_last_n < 0 || penalty_last_n > (1 << 20)) return bad("penalty window must be in [0, 1048576]");
  return {};
}

int32_t argmax(std::span<const float> logits) {
  int32_t best = 0;
  for (size_t i = 1; i < logits.size(); ++i) {
    if (logits[i] > logits[static_cast<size_t>(best)]) best = static_cast<int32_t>(i);
  }
  return best;
}

Sampler::Sampler(const SamplingParams& p, int n_vocab)
    : p_(p),
      n_vocab_(n_vocab),
      rng_(p.has_seed ? p.seed : std::random_device{}()),
      cand_(static_cast<size_t>(n_vocab)),
      history_(static_cast<size_t>(std::max(0, p.penalty_last_n))),
      counts_(static_cast<size_t>(n_vocab), 0) {}

void Sampler::reset() {
  history_pos_ = history_len_ = 0;
  std::fill(counts_.begin(), counts_.end(), 0);
}

void Sampler::accept(int32_t id) {
  if (history_.empty() || id < 0 || id >= n_vocab_) return;
  if (history_len_ == history_.size()) {
    --counts_[static_cast<size_t>(history_[history_pos_])];
  } else {
    ++history_len_;
  }
  history_[history_pos_] = id;
  ++counts_[static_cast<size_t>(id)];
  history_pos_ = (history_pos_ + 1) % history_.size();
}

void Sampler::apply_penalties() {
  const bool any = p_.repeat_penalty != 1.0f || p_.presence_penalty != 0.0f || p_.frequency_penalty != 0.0f;
  if (!any || history_len_ == 0) return;
  for (Candidate& c : cand_) {
    const int n = counts_[static_cast<size_t>(c.id)];
    if (n == 0) continue;
    c.logit = c.logit <= 0.0f ? c.logit * p_.repeat_penalty : c.logit / p_.repeat_penalty;
    c.logit -= static_cast<float>(n) * p_.frequency_penalty + p_.presence_penalty;
  }
}

int32_t Sampler::sample(std::span<const float> logits) {
  for (int32_t i = 0; i < n_vocab_; ++i) cand_[static_cast<size_t>(i)] = {i, logits[static_cast<size_t>(i)], 0.0f};
  apply_penalties();
  if (p_.temperature <= 0.0f) {
    const Candidate* best = &cand_[0];
    for (const Candidate& c : cand_) {
      if (c.logit > best->logit) best = &c;
    }
    return best->id;
  }
  return draw();
}

int32_t Sampler::draw() {
  auto by_logit = [](const Candidate& a, const Candidate& b) {
    return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
  };
  size_t n = cand_.size();
  if (p_.top_k > 0 && static_cast<size_t>(p_.top_k) < n) {
    std::partial_sort(cand_.begin(), cand_.begin() + p_.top_k, cand_.end(), by_logit);
    n = static_cast<size_t>(p_.top_k);
  } else {
    std::sort(cand_.begin(), cand_.end(), by_logit);
  }
  // Probabilities of the survivors (before temperature, as llama.cpp's chain orders it).
  auto softmax = [&](float temp) {
    const float max = cand_[0].logit;
    double sum = 0.0;
    for (size_t i = 0; i < n; ++i) {
      cand_[i].p = std::exp((cand_[i].logit - max) / temp);
      sum += cand_[i].p;
    }
    for (size_t i = 0; i < n; ++i) cand_[i].p = static_cast<float>(cand_[i].p / sum);
  };
  softmax(1.0f);
  if (p_.top_p < 1.0f) {
    double cum = 0.0;
    for (size_t i = 0; i < n; ++i) {
      cum += cand_[i].p;
      if (cum >= p_.top_p) {
        n = i + 1;
        break;
      }
    }
  }
  if (p_.min_p > 0.0f) {
    const float floor = cand_[0].p * p_.min_p;
    size_t keep = 1;
    while (keep < n && cand_[keep].p >= floor) ++keep;
    n = keep;
  }
  softmax(p_.temperature);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  const double r = uni(rng_);
  double cum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    cum += cand_[i].p;
    if (r < cum) return cand_[i].id;
  }
  return cand_[n - 1].id;
}

}  // namespace ls::runtime
