// Knowledge-base endpoints over a temporary kb::KnowledgeBase: upload (JSON, array, multipart),
// list, get, delete, search, errors, and that they sit behind the API key.
#include <gtest/gtest.h>

#include "kb/hashed_embedder.h"
#include "kb_server_fixture.h"

namespace ls::server {
namespace {

using json = nlohmann::json;
using test::TestServer;

class KbApi : public test::KbServerTest {};

TEST_F(KbApi, UploadListGetSearchDelete) {
  json one = post("/v1/kb/notes/documents",
                  R"({"id":"fever","title":"Fever","text":"Fever is caused by pyrogens that raise the hypothalamic set point.","metadata":{"lang":"en"}})",
                  201);
  EXPECT_EQ(one["documents"][0]["id"], "fever");
  EXPECT_EQ(one["documents"][0]["outcome"], "added");
  json many = post("/v1/kb/notes/documents",
                   R"({"documents":[{"id":"vitd","text":"# Vitamin D\nVitamin D deficiency is linked to bone loss.","format":"markdown"},
                                    {"id":"cats","text":"<html><title>Cats</title><body><p>Cats sleep a lot.</p></body></html>","format":"html"}]})",
                   201);
  EXPECT_EQ(many["documents"].size(), 2u);
  // Same content again: unchanged.
  json again = post("/v1/kb/notes/documents",
                    R"({"id":"fever","title":"Fever","text":"Fever is caused by pyrogens that raise the hypothalamic set point.","metadata":{"lang":"en"}})",
                    201);
  EXPECT_EQ(again["documents"][0]["outcome"], "unchanged");

  httplib::MultipartFormDataItems items = {{"file", "Tea contains caffeine and theanine.", "tea.txt", "text/plain"}};
  auto up = client_->Post("/v1/kb/notes/documents", items);
  ASSERT_TRUE(up);
  EXPECT_EQ(up->status, 201) << up->body;
  EXPECT_EQ(json::parse(up->body)["documents"][0]["id"], "tea.txt");

  json page = get("/v1/kb/notes/documents?offset=1&limit=2", 200);
  EXPECT_EQ(page["total"], 4);
  EXPECT_EQ(page["documents"].size(), 2u);
  EXPECT_EQ(page["offset"], 1);

  json doc = get("/v1/kb/notes/documents/fever", 200);
  EXPECT_EQ(doc["title"], "Fever");
  EXPECT_EQ(doc["metadata"]["lang"], "en");
  ASSERT_EQ(doc["chunks"].size(), 1u);

  json hits = post("/search", R"({"query":"what causes fever","collection":"notes"})", 200);
  ASSERT_FALSE(hits["results"].empty());
  const json& top = hits["results"][0];
  EXPECT_EQ(top["document_id"], "fever");
  EXPECT_EQ(top["title"], "Fever");
  EXPECT_EQ(top["source"], "api");
  EXPECT_EQ(top["position"], 0);
  EXPECT_GT(top["score"].get<double>(), 0);
  EXPECT_NE(top["text"].get<std::string>().find("pyrogens"), std::string::npos);
  json filtered = post("/v1/search", R"({"query":"fever","collection":"notes","top_k":1,"filters":{"metadata":{"lang":"de"}}})", 200);
  EXPECT_TRUE(filtered["results"].empty());

  auto del = client_->Delete("/v1/kb/notes/documents/fever");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 200);
  json gone = get("/v1/kb/notes/documents/fever", 404);
  EXPECT_EQ(gone["error"]["type"], "not_found_error");
  json cols = get("/v1/kb/collections", 200);
  EXPECT_EQ(cols["data"][0]["name"], "notes");
  EXPECT_EQ(cols["data"][0]["stats"]["documents"], 3);
}

TEST_F(KbApi, Errors) {
  EXPECT_EQ(post("/v1/kb/notes/documents", "{", 400)["error"]["type"], "invalid_request_error");
  EXPECT_NE(post("/v1/kb/notes/documents", R"({"id":"x"})", 400)["error"]["message"].get<std::string>().find("text"),
            std::string::npos);
  post("/v1/kb/notes/documents", R"({"text":"x","format":"pdf"})", 400);
  post("/v1/kb/bad%20name!/documents", R"({"text":"x"})", 400);
  post("/search", R"({"query":"x","collection":"missing"})", 404);
  post("/search", R"({"collection":"missing"})", 400);
  get("/v1/kb/missing/documents", 404);
  get("/v1/kb/notes/documents?limit=abc", 400);
  httplib::MultipartFormDataItems pdf = {{"file", "%PDF-1.4", "paper.pdf", "application/pdf"}};
  auto r = client_->Post("/v1/kb/notes/documents", pdf);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  // Without the key nothing of the knowledge base is visible.
  auto anon = server_->client();
  EXPECT_EQ(anon->Post("/search", R"({"query":"x","collection":"notes"})", "application/json")->status, 401);
  EXPECT_EQ(anon->Get("/v1/kb/notes/documents")->status, 401);
}

class KbApiVectors : public test::KbServerTest {
  // Test double (kb/hashed_embedder.h): deterministic hashed n-grams, not a language model.
  void prepare(kb::KnowledgeBase& k) override { k.set_embedder(std::make_shared<kb::HashedEmbedder>(128)); }
};

TEST_F(KbApiVectors, SearchModesSayWhichRetrieverFoundEachResult) {
  auto& c = client_;
  auto up = c->Post("/v1/kb/notes/documents",
                    R"({"documents":[{"id":"fever","text":"Fever is caused by pyrogens raising the set point."},
                                     {"id":"tea","text":"Green tea contains caffeine and theanine."},
                                     {"id":"bone","text":"Vitamin D deficiency is linked to bone loss."}]})",
                    "application/json");
  ASSERT_TRUE(up);
  ASSERT_EQ(up->status, 201) << up->body;
  auto r = c->Post("/search", R"({"query":"caffeine in green tea","collection":"notes","mode":"hybrid","top_k":2})",
                   "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json j = json::parse(r->body);
  ASSERT_EQ(j["results"].size(), 2u);
  EXPECT_EQ(j["results"][0]["document_id"], "tea");
  json by = j["results"][0]["retrievers"];
  ASSERT_EQ(by.size(), 2u);
  EXPECT_EQ(by[0]["retriever"], "bm25");
  EXPECT_EQ(by[0]["rank"], 1);
  EXPECT_EQ(by[1]["retriever"], "dense");
  EXPECT_DOUBLE_EQ(j["results"][0]["score"].get<double>(),
                   1.0 / (60 + by[0]["rank"].get<int>()) + 1.0 / (60 + by[1]["rank"].get<int>()));
  r = c->Post("/search", R"({"query":"vitamin","collection":"notes","mode":"dense","top_k":1})", "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["results"][0]["retrievers"][0]["retriever"], "dense");
  r = c->Post("/search", R"({"query":"x","collection":"notes","mode":"sparse"})", "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("bm25, dense, hybrid"), std::string::npos) << r->body;
  r = c->Post("/search", R"({"query":"x","collection":"notes","rerank":{"top_n":3}})", "application/json");
  EXPECT_GE(r->status, 400) << r->body;
  EXPECT_NE(r->body.find("reranker"), std::string::npos) << r->body;
}

TEST(KbApiWithoutKb, Answers503) {
  TestServer s({}, Script{}, false, nullptr);
  auto c = s.client();
  auto r = c->Post("/search", R"({"query":"x","collection":"c"})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find("--data"), std::string::npos);
}

}  // namespace
}  // namespace ls::server
