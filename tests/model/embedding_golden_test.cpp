// Embeddings and reranker scores against llama.cpp's (../shared/golden/tiny-bert-*, tiny-qwen3-embed-f16;
// format in ../shared/golden/PROVENANCE.md, "Embeddings and reranking"). The golden vectors are raw
// (not normalised), so the raw pooled vectors are compared.
//
// Tolerances (per component of the raw vector, and cosine similarity), from the spread llama.cpp
// itself shows between its flash-attention settings (0.0044 F16, 0.056 Q8_0) with headroom; we run
// attention in exact F32, like its fa-off setting:
//   F16 models: max |d| <= 0.01, cosine >= 0.9999;  Q8_0 models: max |d| <= 0.1, cosine >= 0.999;
//   reranker logits: max |d| <= 0.1, same order wherever llama.cpp's logits differ by more than that.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "model/decoder_embedding.h"
#include "model/encoder.h"
#include "test_support.h"

namespace {

using ls::model::Pooling;
using nlohmann::json;

struct GoldenItem {
  std::string id;
  std::vector<int32_t> ids;
  std::vector<float> embedding;
};

std::vector<GoldenItem> load_items(const std::string& rel) {
  std::ifstream in(ls::test::shared_path(rel));
  const json j = json::parse(in);
  std::vector<GoldenItem> out;
  for (const json& it : j.at("items")) {
    out.push_back({it.at("id").get<std::string>(), it.at("token_ids").get<std::vector<int32_t>>(),
                   it.at("embedding").get<std::vector<float>>()});
  }
  return out;
}

struct Deviation {
  double max_abs = 0.0;
  double min_cos = 1.0;
};

void accumulate(Deviation& d, const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  double dot = 0, ng = 0, nw = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    d.max_abs = std::max(d.max_abs, std::fabs(static_cast<double>(got[i]) - want[i]));
    dot += static_cast<double>(got[i]) * want[i];
    ng += static_cast<double>(got[i]) * got[i];
    nw += static_cast<double>(want[i]) * want[i];
  }
  d.min_cos = std::min(d.min_cos, dot / std::sqrt(ng * nw));
}

void check_encoder(const std::string& model, const std::string& golden, Pooling pooling, double tol, double min_cos) {
  auto m = ls::model::EncoderModel::load(ls::test::shared_path("models/" + model));
  ASSERT_TRUE(m.ok()) << m.error().message;
  const auto items = load_items(golden);
  std::vector<std::vector<int32_t>> seqs;
  for (const auto& it : items) seqs.push_back(it.ids);
  ls::ThreadPool pool(2);
  ls::model::Encoder enc(*m, &pool);
  // All texts in one forward pass (packed), then each on its own: both must match.
  auto batched = enc.pooled(seqs, pooling);
  ASSERT_TRUE(batched.ok()) << batched.error().message;
  Deviation d, self;
  for (size_t i = 0; i < items.size(); ++i) {
    accumulate(d, (*batched)[i], items[i].embedding);
    auto one = enc.pooled(std::span(seqs).subspan(i, 1), pooling);
    ASSERT_TRUE(one.ok()) << one.error().message;
    accumulate(self, (*one)[0], (*batched)[i]);
  }
  std::printf("%s %s vs llama.cpp: max |d| %.6f (tolerance %.3f), min cosine %.9f (>= %.5f); batched vs single max |d| %.2e\n",
              model.c_str(), std::string(ls::model::pooling_name(pooling)).c_str(), d.max_abs, tol, d.min_cos, min_cos,
              self.max_abs);
  EXPECT_LE(d.max_abs, tol);
  EXPECT_GE(d.min_cos, min_cos);
  EXPECT_LE(self.max_abs, 1e-4);  // packing changes matmul tiling, never the attention span
}

TEST(EmbeddingGolden, BertF16Cls) {
  LS_REQUIRE_ASSET("models/tiny-bert-f16.gguf");
  auto m = ls::model::EncoderModel::load(ls::test::shared_path("models/tiny-bert-f16.gguf"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)->hparams().pooling, Pooling::kCls);
  check_encoder("tiny-bert-f16.gguf", "golden/tiny-bert-f16/embeddings.json", Pooling::kCls, 0.01, 0.9999);
  check_encoder("tiny-bert-f16.gguf", "golden/tiny-bert-f16/embeddings.fa-off.json", Pooling::kCls, 0.01, 0.9999);
}

TEST(EmbeddingGolden, BertF16Mean) {
  LS_REQUIRE_ASSET("models/tiny-bert-f16.gguf");
  check_encoder("tiny-bert-f16.gguf", "golden/tiny-bert-f16/embeddings.mean-pooling.json", Pooling::kMean, 0.01, 0.9999);
}

TEST(EmbeddingGolden, BertQ8Cls) {
  LS_REQUIRE_ASSET("models/tiny-bert-q8_0.gguf");
  check_encoder("tiny-bert-q8_0.gguf", "golden/tiny-bert-q8_0/embeddings.json", Pooling::kCls, 0.1, 0.999);
}

TEST(EmbeddingGolden, BertRerankQ8) {
  LS_REQUIRE_ASSET("models/tiny-bert-rerank-q8_0.gguf");
  auto m = ls::model::EncoderModel::load(ls::test::shared_path("models/tiny-bert-rerank-q8_0.gguf"));
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ((*m)->hparams().pooling, Pooling::kRank);
  EXPECT_EQ((*m)->hparams().n_cls_out, 1);
  std::ifstream in(ls::test::shared_path("golden/tiny-bert-rerank-q8_0/rerank.json"));
  const json j = json::parse(in);
  const auto seqs = j.at("token_ids").get<std::vector<std::vector<int32_t>>>();
  const auto want = j.at("logits").get<std::vector<double>>();
  ls::model::Encoder enc(*m, nullptr);
  auto got = enc.pooled(seqs, Pooling::kRank);
  ASSERT_TRUE(got.ok()) << got.error().message;
  double max_abs = 0;
  for (size_t i = 0; i < want.size(); ++i) max_abs = std::max(max_abs, std::fabs((*got)[i][0] - want[i]));
  std::printf("tiny-bert-rerank-q8_0 logits vs llama.cpp: max |d| %.5f (tolerance 0.1)\n", max_abs);
  EXPECT_LE(max_abs, 0.1);
  for (size_t a = 0; a < want.size(); ++a) {
    for (size_t b = 0; b < want.size(); ++b) {
      if (want[a] > want[b] + 0.1) {
        EXPECT_GT((*got)[a][0], (*got)[b][0]) << a << " vs " << b;
      }
    }
  }
}

TEST(EmbeddingGolden, Qwen3EmbedLast) {
  LS_REQUIRE_ASSET("models/tiny-qwen3-embed-f16.gguf");
  auto m = ls::model::Model::load(ls::test::shared_path("models/tiny-qwen3-embed-f16.gguf"));
  ASSERT_TRUE(m.ok()) << m.error().message;
  auto pooling = ls::model::read_pooling((*m)->file(), "qwen3", Pooling::kNone);
  ASSERT_TRUE(pooling.ok());
  EXPECT_EQ(*pooling, Pooling::kLast);
  ls::ThreadPool pool(2);
  ls::model::DecoderEmbedding emb(*m, &pool);
  for (const char* golden : {"golden/tiny-qwen3-embed-f16/embeddings.json", "golden/tiny-qwen3-embed-f16/embeddings.fa-off.json"}) {
    Deviation d;
    const std::vector<GoldenItem> items = load_items(golden);
    std::vector<std::vector<int32_t>> seqs;
    for (const auto& it : items) {
      auto v = emb.pooled(it.ids, Pooling::kLast);
      ASSERT_TRUE(v.ok()) << v.error().message;
      accumulate(d, *v, it.embedding);
      seqs.push_back(it.ids);
    }
    // All texts packed into shared forward passes: the same vectors, bit for bit.
    auto packed = emb.pooled_many(seqs, Pooling::kLast);
    ASSERT_TRUE(packed.ok()) << packed.error().message;
    for (size_t i = 0; i < items.size(); ++i) {
      auto one = emb.pooled(items[i].ids, Pooling::kLast);
      ASSERT_TRUE(one.ok());
      EXPECT_EQ((*packed)[i], *one) << items[i].id;
    }
    std::printf("tiny-qwen3-embed-f16 last vs %s: max |d| %.6f (tolerance 0.01), min cosine %.9f (>= 0.9999)\n", golden,
                d.max_abs, d.min_cos);
    EXPECT_LE(d.max_abs, 0.01);
    EXPECT_GE(d.min_cos, 0.9999);
  }
}

TEST(EmbeddingGolden, RejectsBadSequences) {
  LS_REQUIRE_ASSET("models/tiny-bert-f16.gguf");
  auto m = ls::model::EncoderModel::load(ls::test::shared_path("models/tiny-bert-f16.gguf"));
  ASSERT_TRUE(m.ok());
  ls::model::Encoder enc(*m, nullptr);
  std::vector<std::vector<int32_t>> empty_seq = {{}};
  EXPECT_FALSE(enc.pooled(empty_seq, Pooling::kCls).ok());
  std::vector<std::vector<int32_t>> bad_id = {{101, 999999, 102}};
  EXPECT_FALSE(enc.pooled(bad_id, Pooling::kCls).ok());
  std::vector<std::vector<int32_t>> too_long = {std::vector<int32_t>(513, 1000)};
  auto r = enc.pooled(too_long, Pooling::kCls);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("512"), std::string::npos);
  EXPECT_FALSE(enc.pooled(std::vector<std::vector<int32_t>>{{101, 102}}, Pooling::kRank).ok());
  // A decoder file is not an encoder.
  if (std::filesystem::exists(ls::test::shared_path("models/tiny-qwen3-f16.gguf"))) {
    EXPECT_FALSE(ls::model::EncoderModel::load(ls::test::shared_path("models/tiny-qwen3-f16.gguf")).ok());
  }
}

}  // namespace
