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


// A stand-in model: answers from what the grounded prompt shows it, so the test sees the prompt the
// eval builds and the scoring of answer text only.
TEST(AnswerEval, ScoresGeneratedAnswersWithoutTheirReasoning) {
  const auto dir = std::filesystem::temp_directory_path() / ("lsrag-eval-gen-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  write(dir / "corpus.jsonl",
        R"({"_id":"d1","title":"Pandas","text":"The giant panda eats bamboo in the mountains of Sichuan."})" "\n"
        R"({"_id":"d2","title":"Tea","text":"Green tea is dried quickly so it is not oxidised."})" "\n");
  write(dir / "queries.jsonl",
        R"({"_id":"q1","text":"What does the giant panda eat?"})" "\n"
        R"({"_id":"q2","text":"Why is green tea not oxidised?"})" "\n"
        R"({"_id":"q3","text":"Where is the Eiffel Tower?"})" "\n");
  write(dir / "answers.jsonl",
        R"({"_id":"q1","answers":["BAMBOO","bamboo shoots"]})" "\n" R"({"_id":"q2","answers":["dried  quickly"]})" "\n"
        R"({"_id":"q3","answers":["Paris"]})" "\n");
  AnswerEvalOptions o;
  o.dataset_dir = dir.string();
  o.budgets = {1024};
  o.modes = {RetrievalMode::kBm25};
  std::vector<std::string> prompts;
  o.generate = [&](const std::vector<Message>& messages) -> Result<GeneratedAnswer> {
    prompts.push_back(messages.back().content);
    const std::string& p = messages.back().content;
    GeneratedAnswer a;
    a.completion_tokens = 10;
    if (p.find("panda eat?") != std::string::npos) {
      a.reasoning = "Paris? No: the passage says bamboo.";  // would score against q3's gold if it counted
      a.answer = "Bamboo [1].";
    } else if (p.find("oxidised?") != std::string::npos) {
      a.reasoning = "dried quickly dried quickly";
      a.reasoning_closed = false;  // ran out of tokens while thinking: no answer
    } else {
      a.answer = "It is in Paris.";
    }
    return a;
  };
  size_t progress_calls = 0;
  o.progress = [&](const char* mode, int budget, size_t done, size_t total) {
    EXPECT_STREQ(mode, "bm25");
    EXPECT_EQ(budget, 1024);
    EXPECT_EQ(done, ++progress_calls);
    EXPECT_EQ(total, 3u);
  };
  auto r = evaluate_answer_recall(o);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(prompts.size(), 3u);
  // The prompt is the grounded one: fenced numbered passage, then the question.
  EXPECT_NE(prompts[0].find("<<<PASSAGE 1>>>"), std::string::npos) << prompts[0];
  EXPECT_NE(prompts[0].find("bamboo"), std::string::npos) << prompts[0];
  EXPECT_NE(prompts[0].find("Question: What does the giant panda eat?"), std::string::npos) << prompts[0];
  ASSERT_EQ(r->cells.size(), 1u);
  const AnswerEvalCell& c = r->cells[0];
  EXPECT_TRUE(c.generated);
  // q1: "Bamboo [1]." normalises to [bamboo, 1] (the citation marker's digit stays, as SQuAD would
  // keep it): EM 0; F1 against [bamboo] 2(1/2)(1)/(3/2) = 2/3, against [bamboo shoots] 1/2; best 2/3.
  // q2: empty answer, 0 (its reasoning holds the gold text and must not count). q3: [it is in paris]
  // vs [paris]: P = 1/4, R = 1, F1 = 0.4.
  ASSERT_EQ(c.answers.size(), 3u);
  EXPECT_EQ(c.answers[0].exact_match, 0);
  EXPECT_NEAR(c.answers[0].f1, 2.0 / 3.0, 1e-12);
  EXPECT_EQ(c.answers[0].reasoning_chars, std::string("Paris? No: the passage says bamboo.").size());
  EXPECT_EQ(c.answers[1].answer, "");
  EXPECT_FALSE(c.answers[1].reasoning_closed);
  EXPECT_NEAR(c.answers[2].f1, 0.4, 1e-12);
  EXPECT_DOUBLE_EQ(c.exact_match, 0);
  EXPECT_NEAR(c.f1, (2.0 / 3.0 + 0 + 0.4) / 3, 1e-12);
  EXPECT_EQ(c.empty_answers, 1);
  EXPECT_EQ(c.unfinished_reasoning, 1);
  EXPECT_DOUBLE_EQ(c.mean_completion_tokens, 10);
  EXPECT_EQ(progress_calls, 3u);
}

TEST(AnswerEval, AGenerationErrorNamesTheQuestion) {
  const auto dir = std::filesystem::temp_directory_path() / ("lsrag-eval-generr-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  write(dir / "corpus.jsonl", R"({"_id":"d1","title":"Pandas","text":"The giant panda eats bamboo."})" "\n");
  write(dir / "queries.jsonl", R"({"_id":"q1","text":"What does the giant panda eat?"})" "\n");
  write(dir / "answers.jsonl", R"({"_id":"q1","answers":["bamboo"]})" "\n");
  AnswerEvalOptions o;
  o.dataset_dir = dir.string();
  o.budgets = {512};
  o.modes = {RetrievalMode::kBm25};
  o.generate = [](const std::vector<Message>&) -> Result<GeneratedAnswer> {
    return Error::limit("prompt of 900 tokens does not fit the context of 512");
  };
  auto r = evaluate_answer_recall(o);
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("question q1"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("context of 512"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace ls::rag
