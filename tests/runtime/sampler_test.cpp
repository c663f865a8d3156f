#include "runtime/sampler.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace ls::runtime {
namespace {

// Seeded sampling of the plain softmax at temperature 1 (top-k, top-p and min-p off): a test
// turns on the one filter it checks.
SamplingParams unfiltered(uint64_t seed) {
  return {.temperature = 1.0f, .top_k = 0, .top_p = 1.0f, .min_p = 0.0f, .seed = seed, .has_seed = true};
}

// The tokens 300 draws pick: the support of the filtered distribution.
std::set<int32_t> drawn(const SamplingParams& p, const std::vector<float>& logits) {
  Sampler s(p, static_cast<int>(logits.size()));
  std::set<int32_t> seen;
  for (int i = 0; i < 300; ++i) seen.insert(s.sample(logits));
  return seen;
}

TEST(Sampler, GreedyPicksArgmaxLowestIdOnTies) {
  const std::vector<float> logits = {0.5f, 2.0f, -1.0f, 2.0f};
  Sampler s(SamplingParams::greedy(), 4);
  EXPECT_EQ(s.sample(logits), 1);
  EXPECT_EQ(argmax(logits), 1);
}

TEST(Sampler, SameSeedSameSequence) {
  std::vector<float> logits(50);
  for (size_t i = 0; i < logits.size(); ++i) logits[i] = static_cast<float>(i % 7) * 0.3f;
  const SamplingParams p = unfiltered(42);
  Sampler a(p, 50), b(p, 50);
  std::vector<int32_t> sa, sb;
  for (int i = 0; i < 100; ++i) {
    sa.push_back(a.sample(logits));
    sb.push_back(b.sample(logits));
  }
  EXPECT_EQ(sa, sb);
  // Not a constant: the draw really samples.
  EXPECT_GT(std::set<int32_t>(sa.begin(), sa.end()).size(), 3u);
}

TEST(Sampler, TopKOneIsGreedy) {
  const std::vector<float> logits = {0.1f, 0.3f, 5.0f, 0.2f};
  SamplingParams p;
  p.temperature = 2.0f;
  p.top_k = 1;
  p.has_seed = true;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    p.seed = seed;
    Sampler s(p, 4);
    EXPECT_EQ(s.sample(logits), 2);
  }
}

TEST(Sampler, TopPKeepsSmallestNucleus) {
  // Probabilities ~ 0.64, 0.24, 0.09, 0.03: top-p 0.7 keeps the first two only.
  const std::vector<float> logits = {3.0f, 2.0f, 1.0f, 0.0f};
  SamplingParams p = unfiltered(7);
  p.top_p = 0.7f;
  EXPECT_EQ(drawn(p, logits), (std::set<int32_t>{0, 1}));
}

TEST(Sampler, MinPDropsUnlikelyTokens) {
  const std::vector<float> logits = {3.0f, 2.9f, -3.0f, -4.0f};
  SamplingParams p = unfiltered(3);
  p.min_p = 0.1f;
  EXPECT_EQ(drawn(p, logits), (std::set<int32_t>{0, 1}));
}

TEST(Sampler, RepeatPenaltyDemotesSeenTokens) {
  const std::vector<float> logits = {2.0f, 1.9f, -1.0f};
  SamplingParams p = SamplingParams::greedy();
  p.repeat_penalty = 1.5f;
  Sampler s(p, 3);
  EXPECT_EQ(s.sample(logits), 0);
  s.accept(0);  // 2.0 / 1.5 < 1.9
  EXPECT_EQ(s.sample(logits), 1);
}

TEST(Sampler, PresenceAndFrequencyPenalties) {
  const std::vector<float> logits = {2.0f, 1.5f};
  SamplingParams p = SamplingParams::greedy();
  p.frequency_penalty = 0.2f;
  Sampler s(p, 2);
  s.accept(0);
  s.accept(0);
  EXPECT_EQ(s.sample(logits), 0);  // 2.0 - 0.4 = 1.6 > 1.5
  s.accept(0);
  EXPECT_EQ(s.sample(logits), 1);  // 2.0 - 0.6 < 1.5
  SamplingParams q = SamplingParams::greedy();
  q.presence_penalty = 0.6f;
  Sampler t(q, 2);
  t.accept(0);
  EXPECT_EQ(t.sample(logits), 1);
}

TEST(Sampler, PenaltyWindowForgetsOldTokens) {
  const std::vector<float> logits = {2.0f, 1.9f, 0.0f};
  SamplingParams p = SamplingParams::greedy();
  p.repeat_penalty = 2.0f;
  p.penalty_last_n = 2;
  Sampler s(p, 3);
  s.accept(0);
  EXPECT_EQ(s.sample(logits), 1);
  s.accept(2);
  s.accept(2);  // 0 left the window
  EXPECT_EQ(s.sample(logits), 0);
}

TEST(Sampler, ValidateRejectsBadValues) {
  SamplingParams p;
  p.top_p = 0.0f;
  EXPECT_FALSE(p.validate().ok());
  p = SamplingParams{};
  p.min_p = 2.0f;
  EXPECT_FALSE(p.validate().ok());
  p = SamplingParams{};
  p.repeat_penalty = 0.0f;
  EXPECT_FALSE(p.validate().ok());
  EXPECT_TRUE(SamplingParams{}.validate().ok());
}

}  // namespace
}  // namespace ls::runtime
