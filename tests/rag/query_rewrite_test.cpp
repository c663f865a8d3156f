// Query rewrite by the model: the prompt, the checks on the model's line, the fallback to the
// heuristic, and the pipeline searching with what was chosen.
#include <gtest/gtest.h>

#include <filesystem>

#include <unistd.h>

#include "kb/knowledge_base.h"
#include "rag/query_rewrite.h"
#include "rag/rag_pipeline.h"

namespace ls::rag {
namespace {

const std::vector<Message> kBerlin = {{"user", "Tell me about Berlin, the capital of Germany."},
                                      {"assistant", "Berlin is the largest city of Germany."},
                                      {"user", "And how many people live there?"}};

TEST(QueryRewrite, PromptShowsTheRecentTurnsInTheUsersLanguage) {
  auto p = query_rewrite_prompt(kBerlin);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].role, "user");
  const std::string& t = p[0].content;
  EXPECT_NE(t.find("standalone search query"), std::string::npos) << t;
  EXPECT_NE(t.find("User: Tell me about Berlin"), std::string::npos) << t;
  EXPECT_NE(t.find("Assistant: Berlin is the largest"), std::string::npos) << t;
  EXPECT_TRUE(t.ends_with("Search query:")) << t;
  EXPECT_LT(t.find("Tell me about"), t.find("how many people")) << t;  // in order

  auto zh = query_rewrite_prompt({{"user", "北京有多少人口？"}, {"assistant", "约两千万。"}, {"user", "上海呢？"}});
  EXPECT_NE(zh[0].content.find("用户：北京有多少人口？"), std::string::npos) << zh[0].content;
  EXPECT_TRUE(zh[0].content.ends_with("搜索查询：")) << zh[0].content;

  // Only the last turns, each cut: a long conversation cannot blow up the prompt.
  std::vector<Message> long_conv;
  for (int i = 0; i < 40; ++i) long_conv.push_back({i % 2 ? "assistant" : "user", std::string(5000, 'a' + i % 26)});
  EXPECT_LT(query_rewrite_prompt(long_conv)[0].content.size(), 6 * 700u + 600u);
}

TEST(QueryRewrite, TakesTheFirstLineWithoutLabelOrQuotes) {
  EXPECT_EQ(parse_rewritten_query("Berlin population", kBerlin).value(), "Berlin population");
  EXPECT_EQ(parse_rewritten_query("\n\n  Search query: \"Berlin population 2024\"\nBecause the user...", kBerlin).value(),
            "Berlin population 2024");
  EXPECT_EQ(parse_rewritten_query("“population of Berlin”", kBerlin).value(), "population of Berlin");
  EXPECT_EQ(parse_rewritten_query("查询：柏林 人口", {{"user", "柏林有多少人？"}}).value(), "柏林 人口");
}

TEST(QueryRewrite, RejectsWhatCannotBeAQuery) {
  auto why = [](std::string_view answer) {
    auto r = parse_rewritten_query(answer, kBerlin);
    return r.ok() ? std::string("accepted: ") + *r : r.error().message;
  };
  EXPECT_NE(why("").find("empty"), std::string::npos);
  EXPECT_NE(why("  \n \"\" \n").find("empty"), std::string::npos);
  EXPECT_NE(why(std::string(300, 'b') + " Berlin").find("longer than 256"), std::string::npos);
  EXPECT_NE(why("Berlin \x01 population").find("control"), std::string::npos);
  EXPECT_NE(why("Berlin \xff\xfe").find("UTF-8"), std::string::npos);
  EXPECT_NE(why("<think> Berlin").find("reasoning"), std::string::npos);
  // Garbage a random model writes shares no word with the conversation (fillers do not count).
  EXPECT_NE(why("qzx vlorp the what").find("shares no word"), std::string::npos);
  EXPECT_NE(why("Paris weather tomorrow").find("shares no word"), std::string::npos);
  EXPECT_EQ(why("people living in Berlin"), "accepted: people living in Berlin");
}

TEST(QueryRewrite, FallsBackToTheHeuristicWithAWarning) {
  const std::string heuristic = search_query(kBerlin);
  QueryChoice none = choose_query(kBerlin, nullptr);
  EXPECT_EQ(none.query, heuristic);
  EXPECT_FALSE(none.rewritten);
  EXPECT_TRUE(none.warning.empty());

  std::vector<Message> seen;
  QueryModel good = [&](const std::vector<Message>& m) -> Result<std::string> {
    seen = m;
    return std::string("Berlin population");
  };
  QueryChoice c = choose_query(kBerlin, &good);
  EXPECT_TRUE(c.rewritten);
  EXPECT_EQ(c.query, "Berlin population");
  EXPECT_TRUE(c.warning.empty());
  EXPECT_GE(c.seconds, 0);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].content, query_rewrite_prompt(kBerlin)[0].content);

  QueryModel failing = [](const std::vector<Message>&) -> Result<std::string> {
    return Error::limit("timed out after 10 s");
  };
  c = choose_query(kBerlin, &failing);
  EXPECT_FALSE(c.rewritten);
  EXPECT_EQ(c.query, heuristic);
  EXPECT_NE(c.warning.find("timed out after 10 s"), std::string::npos) << c.warning;

  QueryModel garbage = [](const std::vector<Message>&) -> Result<std::string> { return std::string("\n\n"); };
  c = choose_query(kBerlin, &garbage);
  EXPECT_FALSE(c.rewritten);
  EXPECT_NE(c.warning.find("empty query"), std::string::npos) << c.warning;

  // No user turn: nothing to rewrite, the model is not asked.
  bool asked = false;
  QueryModel spy = [&](const std::vector<Message>&) -> Result<std::string> {
    asked = true;
    return std::string("x");
  };
  EXPECT_EQ(choose_query({{"assistant", "hi"}}, &spy).query, "");
  EXPECT_FALSE(asked);
}

class RewritePipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("lsrag-rewrite-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto kb = kb::KnowledgeBase::open(dir_.string());
    ASSERT_TRUE(kb.ok()) << kb.error().message;
    kb_ = std::move(kb).value();
    ASSERT_TRUE(kb_->create_collection("cities").ok());
    ASSERT_TRUE(kb_->add_document("cities", {.id = "berlin", .title = "Berlin",
                                             .text = "Berlin has a population of 3.7 million inhabitants.",
                                             .source = "cities/berlin.txt"})
                    .ok());
    ASSERT_TRUE(kb_->add_document("cities", {.id = "tell", .title = "Storytelling",
                                             .text = "Tell me a story about how many people live in the sea.",
                                             .source = "cities/tell.txt"})
                    .ok());
  }
  void TearDown() override {
    kb_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<kb::KnowledgeBase> kb_;
};

TEST_F(RewritePipelineTest, SearchesWithTheModelsQueryWhenAskedTo) {
  RagPipeline p(kb_.get(), nullptr, nullptr);
  p.set_query_model([](const std::vector<Message>&) -> Result<std::string> {
    return std::string("Berlin population inhabitants");
  });
  RagOptions o;
  o.collections = {"cities"};
  o.top_k = 1;
  // Not asked: the heuristic query, the model untouched.
  auto r = p.prepare(kBerlin, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->query_rewritten);
  EXPECT_EQ(r->query, search_query(kBerlin));
  EXPECT_EQ(r->timings.rewrite_s, 0);

  o.rewrite_query = true;
  r = p.prepare(kBerlin, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->query_rewritten);
  EXPECT_EQ(r->query, "Berlin population inhabitants");
  EXPECT_GE(r->timings.rewrite_s, 0);
  ASSERT_EQ(r->passages.size(), 1u);
  EXPECT_EQ(r->passages[0].source, "cities/berlin.txt");
  EXPECT_TRUE(r->warnings.empty());
  // The answer is still asked of the user's own last turn, not of the rewritten query.
  EXPECT_NE(r->messages.back().content.find("And how many people live there?"), std::string::npos);
}

TEST_F(RewritePipelineTest, WithoutAModelOrWithGarbageTheHeuristicQueryIsUsedAndSaidSo) {
  RagPipeline p(kb_.get(), nullptr, nullptr);
  RagOptions o;
  o.collections = {"cities"};
  o.rewrite_query = true;
  auto r = p.prepare(kBerlin, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->query_rewritten);
  EXPECT_EQ(r->query, search_query(kBerlin));
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("no chat model"), std::string::npos) << r->warnings[0];

  p.set_query_model([](const std::vector<Message>&) -> Result<std::string> { return std::string("zzkq wvvx"); });
  r = p.prepare(kBerlin, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->query_rewritten);
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("shares no word"), std::string::npos) << r->warnings[0];
}

}  // namespace
}  // namespace ls::rag
