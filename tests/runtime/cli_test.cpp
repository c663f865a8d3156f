// `localseek run` and `localseek logits` end to end (the binary itself).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../model/golden.h"
#include "test_support.h"

namespace {

struct Output {
  std::string out;
  int code = -1;
};

Output run_cli(const std::string& args) {
  Output o;
  const std::string cmd = ls::test::binary() + " " + args + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return o;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) o.out.append(buf.data(), n);
  const int st = pclose(p);
  o.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return o;
}

std::string model(const char* stem) { return ls::test::shared_path(std::string("models/") + stem + ".gguf"); }

// "1,2,3": the form `logits --ids` takes.
std::string comma_list(const std::vector<int32_t>& ids) {
  std::string out;
  for (int32_t id : ids) {
    if (!out.empty()) out.push_back(',');
    out.append(std::to_string(id));
  }
  return out;
}

TEST(CliRun, JsonGreedyMatchesGolden) {
  LS_REQUIRE_ASSET("models/scifact-lm-f32.gguf");
  ls::test::Golden g;
  ASSERT_TRUE(ls::test::load_golden(ls::test::shared_path("golden/scifact-lm-f32/p1-results.json"), g));
  const Output o = run_cli("run -m " + model("scifact-lm-f32") + " -p 'The results' -n 32 --temp 0 --ignore-eos --json");
  ASSERT_EQ(o.code, 0) << o.out;
  const auto j = nlohmann::json::parse(o.out);
  EXPECT_EQ(j.at("prompt_ids").get<std::vector<int32_t>>(), g.prompt_ids);
  EXPECT_EQ(j.at("ids").get<std::vector<int32_t>>(), g.greedy_ids);
  // The continuation keeps the space that follows the prompt (llama.cpp's detokenize drops it).
  EXPECT_EQ(j.at("text").get<std::string>(), " " + g.greedy_text);
}

TEST(CliRun, StreamsText) {
  LS_REQUIRE_ASSET("models/scifact-lm-f32.gguf");
  const Output o = run_cli("run -m " + model("scifact-lm-f32") + " -p 'The results' -n 8 --temp 0");
  ASSERT_EQ(o.code, 0);
  EXPECT_EQ(o.out, " of the 1000 m\n");  // 8 tokens: " of", " the", " ", "1", "0", "0", "0", " m"
}

TEST(CliRun, ClearErrors) {
  LS_REQUIRE_ASSET("models/tiny-bert-f16.gguf");
  EXPECT_NE(run_cli("run -m " + model("tiny-bert-f16") + " -p hi").code, 0);
  EXPECT_NE(run_cli("run -m " + model("scifact-lm-f32") + " -p 'The results' --ctx 2").code, 0);
  EXPECT_NE(run_cli("run -m " + model("scifact-lm-f32") + " -p hi --chat").code, 0);
  const std::string cmd = ls::test::binary() + " run -m " + model("tiny-bert-f16") + " -p hi 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf{};
  const size_t n = fread(buf.data(), 1, buf.size(), p);
  pclose(p);
  EXPECT_NE(std::string(buf.data(), n).find("supported: llama, qwen2, qwen3"), std::string::npos);
}

TEST(CliLogits, TopOfEveryPositionMatchesGolden) {
  LS_REQUIRE_ASSET("models/tiny-qwen2-f32.gguf");
  ls::test::Golden g;
  ASSERT_TRUE(ls::test::load_golden(ls::test::shared_path("golden/tiny-qwen2-f32/p2-dog.fa-off.kv-f32.json"), g));
  const std::string ids = comma_list(g.prompt_ids);
  const Output o = run_cli("logits -m " + model("tiny-qwen2-f32") + " --ids " + ids + " --top 5 --kv f32 --json");
  ASSERT_EQ(o.code, 0) << o.out;
  const auto j = nlohmann::json::parse(o.out);
  const auto& pos = j.at("positions");
  ASSERT_EQ(pos.size(), g.prompt_ids.size());
  for (size_t i = 0; i < pos.size(); ++i) {
    const auto& top = pos[i].at("top");
    ASSERT_EQ(top.size(), 5u);
    EXPECT_EQ(top[0][0].get<int32_t>(), g.positions[i].top[0].first) << "position " << i;
    // Logit differences equal log-prob differences.
    const double ours = top[0][1].get<double>() - top[1][1].get<double>();
    const double theirs = g.positions[i].top[0].second - g.positions[i].top[1].second;
    EXPECT_NEAR(ours, theirs, 1e-4) << "position " << i;
  }
  // The same from text.
  const Output t = run_cli("logits -m " + model("tiny-qwen2-f32") + " -p 'The little dog' --top 1 --json");
  ASSERT_EQ(t.code, 0);
  EXPECT_EQ(nlohmann::json::parse(t.out).at("prompt_ids").get<std::vector<int32_t>>(), g.prompt_ids);
}

// --ggml-order: on a Q2_K model (repacked by llama.cpp on x86, Q3_K lanes) the prompt logits follow
// llama.cpp's default setting (flash attention, F16 KV) to the rounding of the golden file; the
// fast default order parts from it at the last position (0.17 in log-prob).
TEST(CliLogits, GgmlOrderFollowsLlamaCppDefaultSetting) {
  LS_REQUIRE_ASSET("models/tiny-qwen2-q2_k.gguf");
  ls::test::Golden g;
  ASSERT_TRUE(ls::test::load_golden(ls::test::shared_path("golden/tiny-qwen2-q2_k/p2-dog.json"), g));
  const std::string ids = comma_list(g.prompt_ids);
  const Output o = run_cli("logits -m " + model("tiny-qwen2-q2_k") + " --ids " + ids + " --top 3 --ggml-order --json");
  ASSERT_EQ(o.code, 0) << o.out;
  const auto j = nlohmann::json::parse(o.out);
  const auto& pos = j.at("positions");
  ASSERT_EQ(pos.size(), g.prompt_ids.size());
  for (size_t i = 0; i < pos.size(); ++i) {
    const auto& top = pos[i].at("top");
    EXPECT_EQ(top[0][0].get<int32_t>(), g.positions[i].top[0].first) << "position " << i;
    const double ours = top[0][1].get<double>() - top[1][1].get<double>();
    const double theirs = g.positions[i].top[0].second - g.positions[i].top[1].second;
    EXPECT_NEAR(ours, theirs, 2e-5) << "position " << i;
  }
  EXPECT_NE(run_cli("logits -m " + model("tiny-qwen2-q2_k") + " --ids 1,2 --ggml-order --exact").code, 0);
}

}  // namespace

namespace {

TEST(CliChat, TwoTurnsWithTemplateFromFile) {
  LS_REQUIRE_ASSET("models/scifact-lm-f32.gguf");
  LS_REQUIRE_ASSET("templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja");
  const std::string tmpl = ls::test::shared_path("templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja");
  const std::string cmd = "printf 'What is inflammation?\\nAnd then?\\n' | " + ls::test::binary() +
                          " chat -m " + model("scifact-lm-f32") + " --chat-template " + tmpl +
                          " --temp 0 -n 12 --stats 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int st = pclose(p);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << out;
  // The R1 template opens <think>: the reply is reasoning, marked as such when not on a terminal.
  EXPECT_NE(out.find("[thinking] "), std::string::npos) << out;
  // Second turn: the first turn's prompt is still in the KV cache.
  EXPECT_NE(out.find("(0 reused)"), std::string::npos) << out;
  const size_t second = out.find("reused)", out.find("(0 reused)") + 1);
  ASSERT_NE(second, std::string::npos) << out;
  EXPECT_EQ(out.find("(0 reused)", out.find("(0 reused)") + 1), std::string::npos) << out;
}

TEST(CliChat, WithoutTemplateIsAClearError) {
  LS_REQUIRE_ASSET("models/scifact-lm-f32.gguf");
  const Output o = run_cli("chat -m " + model("scifact-lm-f32") + " </dev/null");
  EXPECT_NE(o.code, 0);
}

}  // namespace
