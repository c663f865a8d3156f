// `localseek kb … --embedding-model` end to end with the shared tiny-bert GGUF (random weights:
// the mechanics are checked, not the quality): vectors at ingestion, stats, dense and hybrid
// search with provenance, mismatch errors, `kb embed` after a model switch, eval per mode.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_run.h"
#include "kb_test_util.h"
#include "test_support.h"

namespace ls::kb {
namespace {

using ls::test::run_cli;
using json = nlohmann::json;

TEST(KbVectorCli, EmbedSearchModesAndModelSwitch) {
  LS_REQUIRE_ASSET("models/tiny-bert-f16.gguf");
  LS_REQUIRE_ASSET("models/tiny-qwen3-embed-f16.gguf");
  test::ScratchDir dir;
  const std::string bert = ls::test::shared_path("models/tiny-bert-f16.gguf");
  const std::string qwen = ls::test::shared_path("models/tiny-qwen3-embed-f16.gguf");
  test::write_file(dir / "docs/a.txt", "The giant panda eats bamboo in the mountains of Sichuan.");
  test::write_file(dir / "docs/b.txt", "Green tea is dried quickly so it is not oxidised.");
  test::write_file(dir / "docs/c.md", "# Rust\nRust is a systems programming language.");
  const std::string kb = "kb --data " + dir.path() + " ";
  const std::string with_bert = kb + "--embedding-model " + bert + " ";

  auto r = run_cli(with_bert + "create --vectors f16 notes");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = run_cli(with_bert + "add notes " + (dir / "docs"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = run_cli(kb + "--json stats notes", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  json st = json::parse(r.out)["collections"]["notes"];
  EXPECT_EQ(st["vectors"]["encoding"], "f16");
  EXPECT_EQ(st["vectors"]["dimension"], 128);
  EXPECT_EQ(st["vectors"]["current"], 3);
  EXPECT_EQ(st["vectors"]["missing"], 0);

  r = run_cli(with_bert + "--json search --mode hybrid -k 3 notes giant panda bamboo", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  json res = json::parse(r.out);
  EXPECT_EQ(res["mode"], "hybrid");
  ASSERT_EQ(res["results"].size(), 3u);
  EXPECT_EQ(res["results"][0]["retrievers"][0]["retriever"], "bm25");  // the only BM25 match ranks first
  EXPECT_EQ(res["results"][0]["retrievers"].size(), 2u);
  r = run_cli(with_bert + "search --mode dense notes panda");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("dense #1"), std::string::npos) << r.out;

  // Without the model, or with another one: clear errors.
  r = run_cli(kb + "search --mode dense notes panda");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("--embedding-model"), std::string::npos) << r.out;
  const std::string with_qwen = kb + "--embedding-model " + qwen + " ";
  r = run_cli(with_qwen + "search --mode dense notes panda");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("kb embed notes"), std::string::npos) << r.out;

  // Switching the collection to the other model re-embeds every chunk, then dense search works.
  r = run_cli(with_qwen + "--json embed -q notes", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  json em = json::parse(r.out);
  EXPECT_EQ(em["embedded"], 3);
  EXPECT_EQ(em["model_changed"], true);
  r = run_cli(with_qwen + "--json embed -q notes", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(json::parse(r.out)["embedded"], 0);
  r = run_cli(with_qwen + "search --mode dense notes panda");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = run_cli(kb + "embed notes");
  EXPECT_EQ(r.exit_code, 2) << r.out;
}

TEST(KbVectorCli, EvalRetrievalReportsEachMode) {
  LS_REQUIRE_ASSET("models/tiny-bert-f16.gguf");
  LS_REQUIRE_ASSET("data/xquad-en/corpus.jsonl");
  auto r = run_cli("eval retrieval --dataset " + ls::test::shared_path("data/xquad-en") +
                       " --mode bm25,dense,hybrid --top-k 100 --json --embedding-model " +
                       ls::test::shared_path("models/tiny-bert-f16.gguf"),
                   false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  json j = json::parse(r.out);
  ASSERT_EQ(j["modes"].size(), 3u);
  EXPECT_EQ(j["modes"][2]["mode"], "hybrid");
  // BM25 reproduces the README figure; the random-weight model's dense figures are only sane.
  EXPECT_NEAR(j["modes"][0]["ndcg_at_10"].get<double>(), 0.9682, 0.002);
  for (const auto& m : j["modes"]) {
    EXPECT_GE(m["ndcg_at_10"].get<double>(), 0.0);
    EXPECT_LE(m["ndcg_at_10"].get<double>(), 1.0);
  }
  r = run_cli("eval retrieval --dataset " + ls::test::shared_path("data/xquad-en") + " --mode dense");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--embedding-model"), std::string::npos) << r.out;
}


TEST(KbVectorCli, EvalRagRunsDenseAndHybridWithAnEmbeddingModel) {
  LS_REQUIRE_ASSET("models/tiny-bert-f16.gguf");
  LS_REQUIRE_ASSET("data/xquad-en/answers.jsonl");
  const std::string base = "eval rag --dataset " + ls::test::shared_path("data/xquad-en") +
                           " --limit 20 --budget 512 --json";
  auto r = run_cli(base + " --embedding-model " + ls::test::shared_path("models/tiny-bert-f16.gguf"), false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  json j = json::parse(r.out);
  ASSERT_EQ(j["results"].size(), 3u);  // bm25, hybrid, dense at one budget
  for (const auto& c : j["results"]) {
    EXPECT_TRUE(c["available"].get<bool>()) << c.dump();
    EXPECT_FALSE(c.contains("note")) << c.dump();
    EXPECT_GE(c["answer_in_context"].get<double>(), 0.0);
    EXPECT_LE(c["answer_in_context"].get<double>(), 1.0);
  }
  // Without the model, dense is reported unavailable and hybrid says it fell back to bm25: neither is
  // silently scored as if vectors were there.
  r = run_cli(base, false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  j = json::parse(r.out);
  EXPECT_EQ(j["results"][1]["note"], "no embedding model: bm25 only") << j["results"][1].dump();
  EXPECT_FALSE(j["results"][2]["available"].get<bool>()) << j["results"][2].dump();
}


TEST(KbVectorCli, AskUsesTheEmbeddingModelForHybridRetrieval) {
  LS_REQUIRE_ASSET("models/tiny-bert-f16.gguf");
  LS_REQUIRE_ASSET("models/scifact-lm-q8_0.gguf");
  LS_REQUIRE_ASSET("templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja");
  test::ScratchDir dir;
  const std::string bert = ls::test::shared_path("models/tiny-bert-f16.gguf");
  test::write_file(dir / "docs/a.txt", "The giant panda eats bamboo in the mountains of Sichuan.");
  test::write_file(dir / "docs/b.txt", "Green tea is dried quickly so it is not oxidised.");
  const std::string kb = "kb --data " + dir.path() + " --embedding-model " + bert + " ";
  ASSERT_EQ(run_cli(kb + "create notes").exit_code, 0);
  ASSERT_EQ(run_cli(kb + "add notes " + (dir / "docs")).exit_code, 0);
  const std::string ask = "ask -m " + ls::test::shared_path("models/scifact-lm-q8_0.gguf") + " --chat-template " +
                          ls::test::shared_path("templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja") +
                          " --data " + dir.path() + " --kb notes -n 2 --temp 0 --json --mode hybrid ";
  // With the model: BM25 finds only the panda document, the dense side ranks both, no warning.
  auto r = run_cli(ask + "--embedding-model " + bert + " 'What does the panda eat?'", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  json j = json::parse(r.out);
  EXPECT_EQ(j["citations"].size(), 2u) << r.out;
  EXPECT_TRUE(j["warnings"].empty()) << r.out;
  // Without it the answer still comes, on BM25 alone, and says so.
  r = run_cli(ask + "'What does the panda eat?'", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  j = json::parse(r.out);
  EXPECT_EQ(j["citations"].size(), 1u) << r.out;
  ASSERT_FALSE(j["warnings"].empty()) << r.out;
  EXPECT_NE(j["warnings"][0].get<std::string>().find("--embedding-model"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ls::kb
