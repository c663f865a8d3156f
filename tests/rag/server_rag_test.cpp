// Grounded chat completions through the HTTP server: the "localseek" extension, RAG model aliases,
// citations (JSON and streamed), dangling-marker removal, warnings and metrics.
#include <gtest/gtest.h>

#include <filesystem>

#include "fake_web.h"
#include "kb/knowledge_base.h"
#include "server/grounding.h"
#include "server/test_server.h"

namespace ls::server {
namespace {

using json = nlohmann::json;

class ServerRagTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("lsrag-srv-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto kb = kb::KnowledgeBase::open(dir_.string());
    ASSERT_TRUE(kb.ok()) << kb.error().message;
    ASSERT_TRUE((*kb)->create_collection("notes").ok());
    ASSERT_TRUE((*kb)->add_document("notes", {.id = "panda", .title = "Pandas", .text = "The giant panda eats bamboo.",
                                              .source = "notes/panda.txt"}).ok());
    Script script;
    script.reply = "<think>\nLet me cite [1].\n</think>\n\nPandas eat bamboo [1]. Invented [9].";
    server_ = std::make_unique<test::TestServer>(ServerConfig{}, script);
    GroundingConfig g;
    g.data_dir = dir_.string();
    g.kb = std::move(kb).value();
    g.aliases = {*parse_rag_alias("localseek-rag=notes+web")};
    rag::WebSearchConfig w;
    w.provider = "searxng";
    w.endpoint = web_.url("/search");
    w.timeout_ms = 1000;
    g.web = w;
    g.fetch.allow_hosts = {"127.0.0.1"};
    g.fetch.page_timeout_s = 1;
    auto grounding = Grounding::create(g, server_->server().state().metrics.registry);
    ASSERT_TRUE(grounding.ok()) << grounding.error().message;
    server_->server().state().grounding = *grounding;
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  httplib::Result post(const json& body) {
    auto c = server_->client();
    return c->Post("/v1/chat/completions", body.dump(), "application/json");
  }

  std::filesystem::path dir_;
  rag::test::FakeWeb web_;
  std::unique_ptr<test::TestServer> server_;
};

json ask(const std::string& question, bool web) {
  return {{"model", "scripted"},
          {"messages", json::array({{{"role", "user"}, {"content", question}}})},
          {"localseek", {{"knowledge", {{"collections", {"notes"}}, {"top_k", 4}}},
                         {"web_search", {{"enabled", web}, {"max_results", 1}}}}}};
}

TEST_F(ServerRagTest, ExtensionGroundsTheAnswerAndCitesSources) {
  auto r = post(ask("What does the giant panda eat?", true));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json j = json::parse(r->body);
  const auto& msg = j["choices"][0]["message"];
  EXPECT_EQ(msg["content"], "Pandas eat bamboo [1]. Invented .");  // [9] points at nothing
  EXPECT_EQ(msg["reasoning_content"], "Let me cite [1].");
  ASSERT_GE(j["citations"].size(), 2u);
  EXPECT_EQ(j["citations"][0]["n"], 1);
  EXPECT_EQ(j["citations"][0]["collection"], "notes");
  EXPECT_EQ(j["citations"][0]["url_or_source"], "notes/panda.txt");
  EXPECT_EQ(j["citations"][1]["url_or_source"], web_.url("/panda.html"));
  EXPECT_NE(j["citations"][1]["snippet"].get<std::string>().find("bamboo"), std::string::npos);
  EXPECT_TRUE(j["warnings"].empty()) << j["warnings"].dump();
}

TEST_F(ServerRagTest, StreamingSendsCitationsBeforeDone) {
  json body = ask("What does the giant panda eat?", false);
  body["stream"] = true;
  auto r = post(body);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  bool framing = false;
  auto events = test::sse_events(r->body, &framing);
  ASSERT_TRUE(framing);
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events.back(), "[DONE]");
  const json& cites = events[events.size() - 2];
  ASSERT_TRUE(cites.contains("citations")) << cites.dump();
  EXPECT_TRUE(cites["choices"].empty());
  EXPECT_EQ(cites["citations"].size(), 1u);
  std::string content;
  for (const auto& e : events)
    if (e.is_object() && !e["choices"].empty() && e["choices"][0]["delta"].contains("content"))
      content += e["choices"][0]["delta"]["content"].get<std::string>();
  EXPECT_EQ(content, "Pandas eat bamboo [1]. Invented .");
}

TEST_F(ServerRagTest, AliasTurnsGroundingOnAndIsListed) {
  auto c = server_->client();
  auto models = c->Get("/v1/models");
  ASSERT_TRUE(models);
  EXPECT_NE(models->body.find("\"localseek-rag\""), std::string::npos);
  json body = {{"model", "localseek-rag"}, {"messages", json::array({{{"role", "user"}, {"content", "giant panda bamboo"}}})}};
  auto r = post(body);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json j = json::parse(r->body);
  ASSERT_GE(j["citations"].size(), 2u);  // notes + web
}

TEST_F(ServerRagTest, BadExtensionFieldsAre400NamingTheField) {
  json body = ask("q", false);
  body["localseek"]["knowledge"]["top_k"] = 0;
  auto r = post(body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["error"]["param"], "localseek.knowledge.top_k");
  body = ask("q", false);
  body["localseek"]["knowledge"]["collections"] = {"missing"};
  r = post(body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404) << r->body;
}

TEST_F(ServerRagTest, SearchProviderDownIsAWarningAndMetricsCountIt) {
  auto r = post(ask("provider down today", true));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json j = json::parse(r->body);
  ASSERT_FALSE(j["warnings"].empty());
  EXPECT_NE(j["warnings"][0].get<std::string>().find("web search unavailable"), std::string::npos);
  auto m = server_->client()->Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("localseek_rag_web_search_errors_total{provider=\"searxng\"} 1"), std::string::npos);
  EXPECT_NE(m->body.find("localseek_rag_stage_seconds_count{stage=\"retrieve\"}"), std::string::npos);
}

TEST(RagAlias, Parses) {
  auto a = parse_rag_alias("x=a,b+web");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->name, "x");
  EXPECT_EQ(a->collections, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(a->web);
  EXPECT_TRUE(parse_rag_alias("w=+web").ok());
  EXPECT_FALSE(parse_rag_alias("x=").ok());
  EXPECT_FALSE(parse_rag_alias("=a").ok());
  EXPECT_FALSE(parse_rag_alias("x=a+images").ok());
}

}  // namespace
}  // namespace ls::server
