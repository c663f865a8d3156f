// Many texts packed into one decoder forward pass (model::DecoderEmbedding::pooled_many) give the
// vectors each text gets alone (step_rows 1: one text per pass, what the engine did before):
// bit-identical for texts of >= 4 tokens, within a stated bound for 1-3 tokens (those take the
// kernels' single-row or two/three-row path alone and the shared >= 4-row path when packed).
// Also: texts longer than one chunk, mean/cls pooling, Qwen3-Reranker scores, bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include <unistd.h>

#include "embed/model_reranker.h"
#include "model/decoder_embedding.h"
#include "tools/random_model.h"
#include "test_support.h"

namespace {

using ls::model::DecoderEmbedding;
using ls::model::Pooling;

std::string generate(const std::string& shape, const std::string& type) {
  ls::tools::GenModelOptions o;
  o.arch = "qwen3";
  o.shape = shape;
  o.file_type = type;
  o.seed = 11;
  o.threads = 1;
  // The pid keeps the file of one test process: ctest runs these tests in parallel, and a test
  // removing its file must not pull it from under another that generated the same shape and type.
  o.output = ::testing::TempDir() + "packing-qwen3-" + shape + "-" + type + "-" + std::to_string(::getpid()) + ".gguf";
  auto r = ls::tools::generate_model(o);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return o.output;
}

std::vector<std::vector<int32_t>> random_texts(const std::vector<int>& lengths, int n_vocab, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> tok(0, n_vocab - 1);
  std::vector<std::vector<int32_t>> out;
  for (int len : lengths) {
    std::vector<int32_t> t(static_cast<size_t>(len));
    for (auto& id : t) id = tok(rng);
    out.push_back(std::move(t));
  }
  return out;
}

// Largest |packed - alone| over texts of < 4 tokens; texts of >= 4 tokens must match exactly.
double compare_packed_with_alone(const std::string& path, const std::vector<int>& lengths, Pooling p,
                                 int64_t chunk = 512) {
  auto m = ls::model::Model::load(path);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  if (!m.ok()) return 1e9;
  ls::ThreadPool pool(2);
  DecoderEmbedding packed(*m, &pool, 0, {.step_rows = 512, .chunk_tokens = chunk});
  DecoderEmbedding alone(*m, &pool, 0, {.step_rows = 1, .chunk_tokens = chunk});
  const auto texts = random_texts(lengths, (*m)->hparams().n_vocab, 5);
  auto got = packed.pooled_many(texts, p);
  EXPECT_TRUE(got.ok()) << (got.ok() ? "" : got.error().message);
  if (!got.ok()) return 1e9;
  EXPECT_EQ(got->size(), texts.size());
  double short_max = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto want = alone.pooled(texts[i], p);
    EXPECT_TRUE(want.ok());
    if (!want.ok()) continue;
    const std::vector<float>& g = (*got)[i];
    EXPECT_EQ(g.size(), want->size());
    if (texts[i].size() >= 4) {
      EXPECT_EQ(g, *want) << path << ": text " << i << " (" << texts[i].size() << " tokens) differs when packed";
    } else {
      for (size_t j = 0; j < g.size(); ++j) short_max = std::max(short_max, std::fabs(double{g[j]} - (*want)[j]));
    }
  }
  return short_max;
}

// Lengths around the kernels' row thresholds (1, 2-3, >= 4) and the attention tile (64).
const std::vector<int> kMixed = {7, 1, 33, 2, 3, 4, 5, 63, 64, 65, 120, 9, 200, 17, 31, 250, 6, 90, 11, 40, 2, 128};

TEST(DecoderPacking, PackedEqualsAloneOnF16Q8AndQ4K) {
  for (const char* type : {"F16", "Q8_0", "Q4_K_M"}) {
    const std::string path = generate("tiny", type);
    const double short_max = compare_packed_with_alone(path, kMixed, Pooling::kLast);
    std::printf("qwen3 tiny %s: texts of 1-3 tokens packed vs alone max |d| %.3g (bound 0.01)\n", type, short_max);
    EXPECT_LE(short_max, 0.01) << type;
    std::filesystem::remove(path);
  }
}

TEST(DecoderPacking, MeanAndClsPoolingPackToo) {
  const std::string path = generate("tiny", "Q8_0");
  EXPECT_LE(compare_packed_with_alone(path, kMixed, Pooling::kMean), 0.01);
  EXPECT_LE(compare_packed_with_alone(path, kMixed, Pooling::kCls), 0.01);
  std::filesystem::remove(path);
}

TEST(DecoderPacking, SharedTinyQwen3Embed) {
  LS_REQUIRE_ASSET("models/tiny-qwen3-embed-f16.gguf");
  EXPECT_LE(compare_packed_with_alone(ls::test::shared_path("models/tiny-qwen3-embed-f16.gguf"), kMixed, Pooling::kLast),
            0.01);
}

TEST(DecoderPacking, TextsLongerThanAChunkRunOverSeveralPasses) {
  // Chunks of 48 positions (the tiny model's context is 512): long texts take up to 11 passes,
  // beside short texts, several long ones in flight at once.
  const std::string path = generate("tiny", "Q8_0");
  std::vector<int> lengths = kMixed;
  for (int len : {500, 49, 97, 300, 48, 512, 47}) lengths.insert(lengths.begin() + 2, len);
  EXPECT_LE(compare_packed_with_alone(path, lengths, Pooling::kLast, 48), 0.01);
  EXPECT_LE(compare_packed_with_alone(path, lengths, Pooling::kMean, 48), 0.01);
  std::filesystem::remove(path);
}

TEST(DecoderPacking, Qwen3RerankerScoresDoNotDependOnTheirBatchMates) {
  const std::string path = generate("tiny-reranker", "Q8_0");
  auto r = ls::embed::ModelReranker::open(path);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const std::vector<std::string> docs = {"x is a letter", "the sky is blue today and tomorrow", "x",
                                         "an unrelated sentence about cooking pasta in salted water"};
  auto all = (*r)->score("what is x", docs);
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    auto one = (*r)->score("what is x", {docs[i]});
    ASSERT_TRUE(one.ok());
    EXPECT_EQ((*all)[i], (*one)[0]) << docs[i];
  }
  std::filesystem::remove(path);
}

TEST(DecoderPacking, BadInputNamesTheText) {
  const std::string path = generate("tiny", "Q8_0");
  auto m = ls::model::Model::load(path);
  ASSERT_TRUE(m.ok());
  DecoderEmbedding e(*m, nullptr);
  const std::vector<std::vector<int32_t>> empty = {{1, 2}, {}};
  auto r = e.pooled_many(empty, Pooling::kLast);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("input 1"), std::string::npos) << r.error().message;
  const std::vector<std::vector<int32_t>> bad_id = {{1, 2}, {3, 1 << 30}};
  EXPECT_FALSE(e.pooled_many(bad_id, Pooling::kLast).ok());
  const std::vector<std::vector<int32_t>> too_long = {std::vector<int32_t>(100000, 1)};
  auto tl = e.pooled_many(too_long, Pooling::kLast);
  ASSERT_FALSE(tl.ok());
  EXPECT_NE(tl.error().message.find("512"), std::string::npos) << tl.error().message;
  EXPECT_FALSE(e.pooled_many(empty, Pooling::kRank).ok());
  // Nothing to embed is no error, and the model still works after refusals.
  auto none = e.pooled_many(std::vector<std::vector<int32_t>>{}, Pooling::kLast);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(e.pooled_many(std::vector<std::vector<int32_t>>{{5, 6, 7}}, Pooling::kLast).ok());
  std::filesystem::remove(path);
}

}  // namespace
