#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "kb/hashed_embedder.h"
#include "rag/answer_eval.h"

namespace ls::rag {
namespace {

void write(const std::filesystem::path& p, const std::string& s) {
  std::ofstream f(p, std::ios::binary);
  f << s;
}

TEST(AnswerEval, CountsAnswersThatReachThePackedContext) {
  const auto dir = std::filesystem::temp_directory_path() / ("lsrag-eval-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  write(dir / "corpus.jsonl",
        R"({"_id":"d1","title":"Pandas","text":"The giant panda eats bamboo in the mountains of Sichuan."})" "\n"
        R"({"_id":"d2","title":"Tea","text":"Green tea is dried quickly so it is not oxidised."})" "\n");
  write(dir / "queries.jsonl",
        R"({"_id":"q1","text":"What does the giant panda eat?"})" "\n"
        R"({"_id":"q2","text":"Why is green tea not oxidised?"})" "\n"
        R"({"_id":"q3","text":"Where is the Eiffel Tower?"})" "\n"
        R"({"_id":"q4","text":"no answer listed"})" "\n");
  write(dir / "answers.jsonl",
        R"({"_id":"q1","answers":["BAMBOO"]})" "\n" R"({"_id":"q2","answers":["dried  quickly"]})" "\n"
        R"({"_id":"q3","answers":["Paris"]})" "\n");
  AnswerEvalOptions o;
  o.dataset_dir = dir.string();
  o.budgets = {64, 1024};
  o.modes = {RetrievalMode::kBm25, RetrievalMode::kDense};
  auto r = evaluate_answer_recall(o);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->questions, 3);  // q4 has no answer
  EXPECT_EQ(r->documents, 2);
  ASSERT_EQ(r->cells.size(), 4u);
  EXPECT_NEAR(r->cells[1].answer_in_context, 2.0 / 3.0, 1e-9);  // Paris is nowhere
  EXPECT_LE(r->cells[0].mean_tokens, 64);
  EXPECT_FALSE(r->cells[2].available);
  EXPECT_EQ(r->cells[2].note, "unavailable: no embedding model");
}

TEST(AnswerEval, DenseAndHybridRunWithAnEmbedder) {
  auto dir = std::filesystem::temp_directory_path() / ("lsrag-eval-dense-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  write(dir / "corpus.jsonl",
        R"({"_id":"d1","title":"Pandas","text":"The giant panda eats bamboo in the mountains of Sichuan."})" "\n"
        R"({"_id":"d2","title":"Tea","text":"Green tea is dried quickly so it is not oxidised."})" "\n");
  write(dir / "queries.jsonl", R"({"_id":"q1","text":"What does the giant panda eat?"})" "\n");
  write(dir / "answers.jsonl", R"({"_id":"q1","answers":["bamboo"]})" "\n");
  AnswerEvalOptions o;
  o.dataset_dir = dir.string();
  o.budgets = {1024};
  o.modes = {RetrievalMode::kDense, RetrievalMode::kHybrid};
  o.embedder = std::make_shared<kb::HashedEmbedder>(64);  // test double (kb/hashed_embedder.h)
  auto r = evaluate_answer_recall(o);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->cells.size(), 2u);
  for (const auto& c : r->cells) {
    EXPECT_TRUE(c.available);
    EXPECT_TRUE(c.note.empty()) << c.note;
    EXPECT_DOUBLE_EQ(c.answer_in_context, 1.0);
  }
}

TEST(AnswerEval, FoldsCaseAndWhitespaceAndNeedsAnswers) {
  EXPECT_TRUE(answer_in_text("Dried Quickly", "it is dried\nquickly."));
  EXPECT_FALSE(answer_in_text("", "anything"));
  AnswerEvalOptions o;
  o.dataset_dir = "/nonexistent-dataset";
  EXPECT_FALSE(evaluate_answer_recall(o).ok());
  o.budgets = {};
  EXPECT_FALSE(evaluate_answer_recall(o).ok());
}

}  // namespace
}  // namespace ls::rag
