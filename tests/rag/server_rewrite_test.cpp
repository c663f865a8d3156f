// Query rewrite in the server, on the scripted backend: the model's query is used and reported,
// garbage and slow models fall back to the heuristic query with a warning within the deadline,
// the stage shows in the metrics, and the extension field is validated.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "kb/knowledge_base.h"
#include "server/grounding.h"
#include "server/test_server.h"

namespace ls::server {
namespace {

using json = nlohmann::json;

class ServerRewriteTest : public ::testing::Test {
 protected:
  void start(Script script, bool rewrite_by_default = false, double timeout_s = 5) {
    dir_ = std::filesystem::temp_directory_path() /
           ("lsrag-rw-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto kb = kb::KnowledgeBase::open(dir_.string());
    ASSERT_TRUE(kb.ok()) << kb.error().message;
    ASSERT_TRUE((*kb)->create_collection("notes").ok());
    ASSERT_TRUE((*kb)->add_document("notes", {.id = "panda", .title = "Pandas", .text = "The giant panda eats bamboo.",
                                              .source = "notes/panda.txt"}).ok());
    ASSERT_TRUE((*kb)->add_document("notes", {.id = "tea", .title = "Tea", .text = "Green tea leaves are steamed.",
                                              .source = "notes/tea.txt"}).ok());
    server_ = std::make_unique<test::TestServer>(ServerConfig{}, script);
    GroundingConfig g;
    g.data_dir = dir_.string();
    g.kb = std::move(kb).value();
    g.query_rewrite = rewrite_by_default;
    g.rewrite_timeout_s = timeout_s;
    auto grounding = Grounding::create(g, server_->server().state().metrics.registry);
    ASSERT_TRUE(grounding.ok()) << grounding.error().message;
    server_->server().state().grounding = *grounding;
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A follow-up whose own words find nothing: only a rewrite that names the subject does.
  static json follow_up(const json& rewrite) {
    json ext = {{"knowledge", {{"collections", {"notes"}}, {"top_k", 1}}}};
    if (!rewrite.is_null()) ext["query_rewrite"] = rewrite;
    return {{"model", "scripted"},
            {"messages", json::array({{{"role", "user"}, {"content", "Tell me about the giant panda."}},
                                      {{"role", "assistant"}, {"content", "It is a bear from China."}},
                                      {{"role", "user"}, {"content", "And what does it eat?"}}})},
            {"localseek", ext}};
  }

  json post_ok(const json& body) {
    auto r = server_->client()->Post("/v1/chat/completions", body.dump(), "application/json");
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body, nullptr, false);
  }

  std::string metrics() {
    auto m = server_->client()->Get("/metrics");
    return m ? m->body : "";
  }

  std::filesystem::path dir_;
  std::unique_ptr<test::TestServer> server_;
};

TEST_F(ServerRewriteTest, TheModelsQueryIsSearchedAndReported) {
  Script s;
  // Every generation of the scripted model says this: the rewrite takes it as the query (its
  // short reasoning split off), and the answer is the same text.
  s.reply = "<think>\nPanda.\n</think>\n\ngiant panda bamboo diet";
  start(s);
  json j = post_ok(follow_up(true));
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["search_query"]["query"], "giant panda bamboo diet") << j.dump();
  EXPECT_EQ(j["search_query"]["rewritten"], true);
  EXPECT_TRUE(j["warnings"].empty()) << j["warnings"].dump();
  ASSERT_EQ(j["citations"].size(), 1u);
  EXPECT_EQ(j["citations"][0]["url_or_source"], "notes/panda.txt");
  EXPECT_EQ(server_->backend().submissions(), 2);  // the rewrite, then the answer
  const std::string m = metrics();
  EXPECT_NE(m.find("localseek_rag_stage_seconds_count{stage=\"rewrite\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("localseek_rag_query_rewrites_total{outcome=\"used\"} 1"), std::string::npos) << m;

  // Not asked for: no rewrite generation, the heuristic query.
  j = post_ok(follow_up(nullptr));
  EXPECT_EQ(j["search_query"]["rewritten"], false);
  EXPECT_EQ(j["search_query"]["query"], "Tell me about the giant panda.\nAnd what does it eat?");
  EXPECT_EQ(server_->backend().submissions(), 3);
}

TEST_F(ServerRewriteTest, AnEmptyRewriteFallsBackWithAWarning) {
  Script s;
  s.reply = "<think>\nNo idea.\n</think>\n\n";
  start(s, /*rewrite_by_default=*/true);
  json j = post_ok(follow_up(nullptr));  // the server's default turns it on
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["search_query"]["rewritten"], false);
  EXPECT_EQ(j["search_query"]["query"], "Tell me about the giant panda.\nAnd what does it eat?");
  ASSERT_EQ(j["warnings"].size(), 1u) << j.dump();
  EXPECT_NE(j["warnings"][0].get<std::string>().find("empty query"), std::string::npos) << j["warnings"].dump();
  EXPECT_NE(metrics().find("localseek_rag_query_rewrites_total{outcome=\"fallback\"} 1"), std::string::npos);

  // The request can turn the server's default off.
  const int before = server_->backend().submissions();
  j = post_ok(follow_up(false));
  EXPECT_TRUE(j["warnings"].empty()) << j.dump();
  EXPECT_EQ(server_->backend().submissions(), before + 1);
}

TEST_F(ServerRewriteTest, ALineCutByTheTokenLimitIsNotUsed) {
  Script s;
  s.reply = "giant panda " + std::string(60, 'x');  // one token per character: over the 48-token limit
  start(s);
  json j = post_ok(follow_up(true));
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["search_query"]["rewritten"], false);
  ASSERT_EQ(j["warnings"].size(), 1u) << j.dump();
  EXPECT_NE(j["warnings"][0].get<std::string>().find("did not end within 48 tokens"), std::string::npos) << j.dump();
}

TEST_F(ServerRewriteTest, ASlowModelCostsAtMostTheDeadline) {
  Script s;
  s.reply = "giant panda bamboo";  // 18 tokens at 100 ms each: far over the 0.3 s deadline
  s.token_delay = std::chrono::milliseconds(100);
  start(s, false, 0.3);
  const auto t0 = std::chrono::steady_clock::now();
  json j = post_ok(follow_up(true));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["search_query"]["rewritten"], false);
  ASSERT_EQ(j["warnings"].size(), 1u) << j.dump();
  EXPECT_NE(j["warnings"][0].get<std::string>().find("timed out after 0.3 s"), std::string::npos) << j.dump();
  // Deadline plus the answer's own 1.8 s, with slack for a loaded machine; not the rewrite's 4.8 s.
  EXPECT_LT(seconds, 4.0);
  EXPECT_GE(server_->backend().cancellations(), 1);
}

TEST_F(ServerRewriteTest, TheFieldMustBeABoolean) {
  start(Script{});
  auto r = server_->client()->Post("/v1/chat/completions", follow_up("yes").dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_NE(r->body.find("localseek.query_rewrite"), std::string::npos) << r->body;
}

}  // namespace
}  // namespace ls::server
