// `localseek embed`: vectors per text (arguments or stdin lines), --json, normalisation switch,
// reranking with --rerank, and clear errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

#include "cli_run.h"
#include "test_support.h"

namespace {

using ls::test::run_cli;
using ls::test::shared_path;

std::vector<double> parse_line(const std::string& line) {
  std::istringstream in(line);
  std::vector<double> v;
  double x;
  while (in >> x) v.push_back(x);
  return v;
}

TEST(EmbedCli, PlainVectorsOnePerLine) {
  LS_REQUIRE_ASSET("models/tiny-bert-f16.gguf");
  const auto r = run_cli("embed -m " + shared_path("models/tiny-bert-f16.gguf") + " 'first text' 'second'", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::istringstream lines(r.out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    const auto v = parse_line(line);
    ASSERT_EQ(v.size(), 128u);
    double s = 0;
    for (double x : v) s += x * x;
    EXPECT_NEAR(std::sqrt(s), 1.0, 1e-5);
    ++n;
  }
  EXPECT_EQ(n, 2);
}

TEST(EmbedCli, JsonFromStdinAndRawVectors) {
  LS_REQUIRE_ASSET("models/tiny-bert-f16.gguf");
  const std::string input = ::testing::TempDir() + "embed_cli_input.txt";
  {
    std::ofstream f(input);
    f << "The quick brown fox jumps over the lazy dog.\n\nsecond line\n";
  }
  const auto r = run_cli("embed --json --no-normalize -m " + shared_path("models/tiny-bert-f16.gguf") + " - < " + input,
                         false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["dimension"], 128);
  EXPECT_EQ(j["pooling"], "cls");
  EXPECT_EQ(j["normalized"], false);
  ASSERT_EQ(j["data"].size(), 2u);  // the empty line is skipped
  EXPECT_EQ(j["data"][0]["tokens"], 12);
  double s = 0;
  for (const auto& x : j["data"][0]["embedding"]) s += x.get<double>() * x.get<double>();
  EXPECT_NEAR(std::sqrt(s), 11.617842, 0.01);  // llama.cpp's raw norm for this text (golden t1-en)
}

TEST(EmbedCli, RerankAndErrors) {
  LS_REQUIRE_ASSET("models/tiny-bert-rerank-q8_0.gguf");
  const auto rr = run_cli("embed --json -m " + shared_path("models/tiny-bert-rerank-q8_0.gguf") +
                              " --rerank 'What is the capital of France?' 'France' 'Berlin is the capital of Germany.'",
                          false);
  ASSERT_EQ(rr.exit_code, 0) << rr.out;
  const auto j = nlohmann::json::parse(rr.out);
  ASSERT_EQ(j["results"].size(), 2u);
  EXPECT_NEAR(j["results"][0]["relevance_score"].get<double>(), 0.95440179, 0.02);
  EXPECT_NEAR(j["results"][1]["relevance_score"].get<double>(), 0.88025039, 0.02);
  const auto need_query = run_cli("embed -m " + shared_path("models/tiny-bert-rerank-q8_0.gguf") + " text");
  EXPECT_NE(need_query.exit_code, 0);
  EXPECT_NE(need_query.out.find("--rerank"), std::string::npos) << need_query.out;
  const auto not_embedding = run_cli("embed -m " + shared_path("models/tiny-qwen3-f16.gguf") + " text");
  EXPECT_NE(not_embedding.exit_code, 0);
  EXPECT_NE(not_embedding.out.find("pooling"), std::string::npos) << not_embedding.out;
  const auto forced = run_cli("embed --pooling mean -m " + shared_path("models/tiny-qwen3-f16.gguf") + " text", false);
  EXPECT_EQ(forced.exit_code, 0) << forced.out;
}

}  // namespace
