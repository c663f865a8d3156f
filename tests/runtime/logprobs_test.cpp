// runtime::token_logprobs: log-softmax against a direct computation, top-N order and ties, numeric
// range; and on a real model, the logprobs of generated tokens against a softmax of the logits
// `localseek logits` prints for the same token sequence.
#include "runtime/logprobs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_run.h"
#include "runtime/generator.h"
#include "runtime/session.h"
#include "test_support.h"

namespace ls::runtime {
namespace {

std::vector<double> log_softmax(const std::vector<double>& x) {
  double sum = 0;
  for (double v : x) sum += std::exp(v);
  std::vector<double> out;
  for (double v : x) out.push_back(v - std::log(sum));
  return out;
}

TEST(TokenLogprobs, IsTheLogSoftmaxOfTheLogits) {
  const std::vector<float> logits = {1.0f, 3.0f, -2.0f, 3.0f, 0.5f};
  const std::vector<double> want = log_softmax({1.0, 3.0, -2.0, 3.0, 0.5});
  const TokenLogprobs lp = token_logprobs(logits, 2, 3);
  EXPECT_EQ(lp.chosen.id, 2);
  EXPECT_NEAR(lp.chosen.logprob, want[2], 1e-6);
  // Best first; the tie between ids 1 and 3 goes to the lower id.
  ASSERT_EQ(lp.top.size(), 3u);
  EXPECT_EQ(lp.top[0].id, 1);
  EXPECT_EQ(lp.top[1].id, 3);
  EXPECT_EQ(lp.top[2].id, 0);
  for (const auto& t : lp.top) EXPECT_NEAR(t.logprob, want[static_cast<size_t>(t.id)], 1e-6);
}

TEST(TokenLogprobs, TopNIsClampedAndZeroGivesOnlyTheChosenToken) {
  const std::vector<float> logits = {0.0f, 1.0f};
  EXPECT_TRUE(token_logprobs(logits, 1, 0).top.empty());
  const TokenLogprobs all = token_logprobs(logits, 0, 50);
  ASSERT_EQ(all.top.size(), 2u);
  EXPECT_NEAR(std::exp(all.top[0].logprob) + std::exp(all.top[1].logprob), 1.0, 1e-6);
  EXPECT_TRUE(token_logprobs({}, 0, 3).top.empty());
}

TEST(TokenLogprobs, HugeLogitsStayFiniteAndMaskedTokensAreMinusInfinity) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> logits = {1000.0f, 999.0f, -inf};
  const TokenLogprobs lp = token_logprobs(logits, 1, 3);
  EXPECT_NEAR(lp.chosen.logprob, -1.0 - std::log1p(std::exp(-1.0)), 1e-5);
  EXPECT_TRUE(std::isfinite(lp.top[0].logprob));
  EXPECT_EQ(lp.top[2].logprob, -inf);
}

// Greedy generation on a shared tiny model, logprobs from the step logits; then the logits of
// the same tokens teacher-forced through `localseek logits` (all 512 of the vocabulary), softmaxed
// here. Prompt evaluation (a batch) and decoding (one token) agree closely on the F32 model.
TEST(TokenLogprobs, MatchASoftmaxOfLocalseekLogits) {
  constexpr const char* kModel = "models/tiny-qwen2-f32.gguf";
  LS_REQUIRE_ASSET(kModel);
  SessionOptions o;
  o.model_path = test::shared_path(kModel);
  o.context.n_ctx = 128;
  o.context.n_threads = 1;
  auto session = Session::open(o);
  ASSERT_TRUE(session.ok()) << session.error().message;
  Session& s = **session;
  auto prompt = s.tokenize_prompt("Once upon a time there was");
  ASSERT_TRUE(prompt.ok());
  Generator gen(s.context(), s.tokenizer(), s.eog_ids());
  GenerateOptions g;
  g.max_tokens = 6;
  g.sampling = SamplingParams::greedy();
  g.stop_at_eog = false;
  std::vector<TokenLogprobs> got;
  auto res = gen.generate_steps(*prompt, g, [&](const TokenStep& step) {
    got.push_back(token_logprobs(step.logits, step.id, 5));
    return true;
  });
  ASSERT_TRUE(res.ok()) << res.error().message;
  ASSERT_EQ(got.size(), res->ids.size());
  ASSERT_EQ(got.size(), 6u);

  std::vector<int32_t> ids = *prompt;
  ids.insert(ids.end(), res->ids.begin(), res->ids.end() - 1);
  std::string list;
  for (int32_t id : ids) {
    if (!list.empty()) list += ',';
    list += std::to_string(id);
  }
  const auto run = test::run_cli("logits -m " + o.model_path + " -t 1 --top 512 --json --ids " + list,
                                 /*with_stderr=*/false);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const auto j = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << run.out.substr(0, 300);
  for (size_t i = 0; i < got.size(); ++i) {
    const auto& row = j["positions"][prompt->size() - 1 + i]["top"];
    ASSERT_EQ(row.size(), 512u);
    std::vector<double> logits(512);
    for (const auto& pair : row) logits[pair[0].get<size_t>()] = pair[1].get<double>();
    const std::vector<double> want = log_softmax(logits);
    EXPECT_EQ(got[i].chosen.id, res->ids[i]);
    EXPECT_NEAR(got[i].chosen.logprob, want[static_cast<size_t>(res->ids[i])], 2e-3) << "token " << i;
    // Greedy: the chosen token is the most likely one; the alternatives are the next best.
    EXPECT_EQ(got[i].top[0].id, res->ids[i]);
    ASSERT_EQ(got[i].top.size(), 5u);
    // ... and they are the five best of the reference distribution (compared by value: ids of
    // near-equal logits may swap between the two evaluation paths).
    std::vector<double> sorted = want;
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    for (size_t k = 0; k < 5; ++k) {
      EXPECT_NEAR(got[i].top[k].logprob, want[static_cast<size_t>(got[i].top[k].id)], 2e-3);
      EXPECT_NEAR(got[i].top[k].logprob, sorted[k], 2e-3) << "token " << i << " rank " << k;
    }
  }
}

}  // namespace
}  // namespace ls::runtime
