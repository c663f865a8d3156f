// The library API (kb::Embedder / kb::Reranker over GGUF models): tokenisation as llama.cpp feeds
// the goldens, normalisation, query instructions, truncation, batching and the reranker pair format.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

#include "embed/model_embedder.h"
#include "embed/model_reranker.h"
#include "test_support.h"

namespace {

using ls::kb::EmbedPurpose;
using nlohmann::json;

json load_json(const std::string& rel) {
  std::ifstream in(ls::test::shared_path(rel));
  return json::parse(in);
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

TEST(ModelEmbedder, BertMatchesGoldenNormalised) {
  LS_REQUIRE_ASSET("models/tiny-bert-f16.gguf");
  auto e = ls::embed::ModelEmbedder::open(ls::test::shared_path("models/tiny-bert-f16.gguf"));
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ((*e)->dimension(), 128);
  const json g = load_json("golden/tiny-bert-f16/embeddings.json");
  std::vector<std::string> texts;
  for (const json& it : g.at("items")) {
    texts.push_back(it.at("text").get<std::string>());
    auto ids = (*e)->input_tokens(texts.back(), EmbedPurpose::kDocument);
    ASSERT_TRUE(ids.ok());
    EXPECT_EQ(*ids, it.at("token_ids").get<std::vector<int32_t>>()) << it.at("id");
  }
  auto vecs = (*e)->embed(texts, EmbedPurpose::kQuery);  // BERT: no instruction, same as documents
  ASSERT_TRUE(vecs.ok()) << vecs.error().message;
  ASSERT_EQ(vecs->size(), texts.size());
  double max_abs = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto& want = g.at("items")[i].at("embedding");
    const double norm = g.at("items")[i].at("norm").get<double>();
    EXPECT_NEAR(dot((*vecs)[i], (*vecs)[i]), 1.0, 1e-5);
    for (size_t c = 0; c < want.size(); ++c) {
      max_abs = std::max(max_abs, std::fabs((*vecs)[i][c] - want[c].get<double>() / norm));
    }
  }
  std::printf("tiny-bert-f16 normalised vs llama.cpp: max |d| %.6f (tolerance 0.001)\n", max_abs);
  EXPECT_LE(max_abs, 0.001);
  auto none = (*e)->embed({}, EmbedPurpose::kDocument);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(ModelEmbedder, TruncatesKeepingSep) {
  LS_REQUIRE_ASSET("models/tiny-bert-f16.gguf");
  auto e = ls::embed::ModelEmbedder::open(ls::test::shared_path("models/tiny-bert-f16.gguf"));
  ASSERT_TRUE(e.ok());
  std::string long_text;
  for (int i = 0; i < 700; ++i) long_text += "word ";
  auto ids = (*e)->input_tokens(long_text, EmbedPurpose::kDocument);
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->size(), 512u);
  EXPECT_EQ(ids->front(), 101);
  EXPECT_EQ(ids->back(), 102);
  auto v = (*e)->embed({long_text, "short"}, EmbedPurpose::kDocument);
  ASSERT_TRUE(v.ok()) << v.error().message;
  ls::embed::EmbedderOptions strict;
  strict.truncate = false;
  auto s = ls::embed::ModelEmbedder::open(ls::test::shared_path("models/tiny-bert-f16.gguf"), {}, strict);
  ASSERT_TRUE(s.ok());
  auto err = (*s)->embed({long_text}, EmbedPurpose::kDocument);
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.error().message.find("512"), std::string::npos) << err.error().message;
}

TEST(ModelEmbedder, ModelIdIsStableAndDistinct) {
  LS_REQUIRE_ASSET("models/tiny-bert-q8_0.gguf");
  auto a = ls::embed::ModelEmbedder::open(ls::test::shared_path("models/tiny-bert-f16.gguf"));
  auto b = ls::embed::ModelEmbedder::open(ls::test::shared_path("models/tiny-bert-f16.gguf"));
  auto c = ls::embed::ModelEmbedder::open(ls::test::shared_path("models/tiny-bert-q8_0.gguf"));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ((*a)->model_id(), (*b)->model_id());
  EXPECT_NE((*a)->model_id(), (*c)->model_id());
  EXPECT_EQ((*a)->model_id().rfind("tiny-bert-f16:", 0), 0u) << (*a)->model_id();
}

TEST(ModelEmbedder, Qwen3QueriesGetTheInstruction) {
  LS_REQUIRE_ASSET("models/tiny-qwen3-embed-f16.gguf");
  auto e = ls::embed::ModelEmbedder::open(ls::test::shared_path("models/tiny-qwen3-embed-f16.gguf"));
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ((*e)->dimension(), 256);
  const json g = load_json("golden/tiny-qwen3-embed-f16/embeddings.json");
  const json& it = g.at("items")[0];
  const std::string text = it.at("text").get<std::string>();
  auto doc_ids = (*e)->input_tokens(text, EmbedPurpose::kDocument);
  ASSERT_TRUE(doc_ids.ok());
  EXPECT_EQ(*doc_ids, it.at("token_ids").get<std::vector<int32_t>>());
  auto query_ids = (*e)->input_tokens(text, EmbedPurpose::kQuery);
  ASSERT_TRUE(query_ids.ok());
  EXPECT_GT(query_ids->size(), doc_ids->size() + 10);
  // The text's tokens end the query (the instruction comes first).
  EXPECT_EQ(query_ids->back(), doc_ids->back());
  auto d = (*e)->embed({text}, EmbedPurpose::kDocument);
  auto q = (*e)->embed({text}, EmbedPurpose::kQuery);
  ASSERT_TRUE(d.ok() && q.ok());
  const double norm = it.at("norm").get<double>();
  double max_abs = 0;
  for (size_t c = 0; c < (*d)[0].size(); ++c) {
    max_abs = std::max(max_abs, std::fabs((*d)[0][c] - it.at("embedding")[c].get<double>() / norm));
  }
  EXPECT_LE(max_abs, 0.001);
  EXPECT_LT(dot((*d)[0], (*q)[0]), 0.9999);
}

TEST(ModelReranker, BertPairsAndScoresMatchGolden) {
  LS_REQUIRE_ASSET("models/tiny-bert-rerank-q8_0.gguf");
  auto r = ls::embed::ModelReranker::open(ls::test::shared_path("models/tiny-bert-rerank-q8_0.gguf"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const json g = load_json("golden/tiny-bert-rerank-q8_0/rerank.json");
  const std::string query = g.at("query");
  const auto docs = g.at("documents").get<std::vector<std::string>>();
  const auto ids = g.at("token_ids").get<std::vector<std::vector<int32_t>>>();
  for (size_t i = 0; i < docs.size(); ++i) {
    auto p = (*r)->model().pair_tokens(query, docs[i]);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(*p, ids[i]) << i;
  }
  auto scores = (*r)->score(query, docs);
  ASSERT_TRUE(scores.ok()) << scores.error().message;
  const auto want = g.at("scores").get<std::vector<double>>();
  double max_abs = 0;
  for (size_t i = 0; i < docs.size(); ++i) max_abs = std::max(max_abs, std::fabs((*scores)[i] - want[i]));
  std::printf("tiny-bert-rerank-q8_0 scores (sigmoid) vs llama.cpp: max |d| %.5f (tolerance 0.02)\n", max_abs);
  EXPECT_LE(max_abs, 0.02);
  auto empty = (*r)->score(query, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(ModelReranker, RolesAreChecked) {
  LS_REQUIRE_ASSET("models/tiny-bert-rerank-q8_0.gguf");
  auto not_embedder = ls::embed::ModelEmbedder::open(ls::test::shared_path("models/tiny-bert-rerank-q8_0.gguf"));
  ASSERT_FALSE(not_embedder.ok());
  EXPECT_NE(not_embedder.error().message.find("reranker"), std::string::npos);
  auto not_reranker = ls::embed::ModelReranker::open(ls::test::shared_path("models/tiny-bert-f16.gguf"));
  ASSERT_FALSE(not_reranker.ok());
  // A generation model has no pooling type: not an embedding model unless a pooling is forced.
  auto gen = ls::embed::ModelEmbedder::open(ls::test::shared_path("models/tiny-qwen3-f16.gguf"));
  ASSERT_FALSE(gen.ok());
  EXPECT_NE(gen.error().message.find("pooling"), std::string::npos);
  ls::embed::LoadOptions forced;
  forced.pooling = ls::model::Pooling::kMean;
  EXPECT_TRUE(ls::embed::ModelEmbedder::open(ls::test::shared_path("models/tiny-qwen3-f16.gguf"), forced).ok());
}

}  // namespace
