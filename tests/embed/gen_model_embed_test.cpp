// gen-model's embedding and reranker shapes: exact parameter counts of the real models, files the
// embedding library loads and runs, and the Qwen3-Reranker path (yes/no head) checked against a
// by-hand evaluation of the same forward pass.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "embed/model_embedder.h"
#include "embed/model_reranker.h"
#include "kernels/kernels.h"
#include "model/decoder_embedding.h"
#include "tools/model_shapes.h"
#include "tools/random_model.h"
#include "test_support.h"

namespace {

int64_t parameters(std::string_view arch, std::string_view shape) {
  const auto s = ls::tools::find_shape(arch, shape);
  EXPECT_TRUE(s.has_value()) << arch << " " << shape;
  if (!s) return 0;
  int64_t n = 0;
  for (const auto& t : ls::tools::tensor_specs(*s)) {
    int64_t e = 1;
    for (int64_t d : t.ne) e *= d;
    n += e;
  }
  return n;
}

TEST(GenModelEmbed, RealShapesHaveTheirParameterCounts) {
  // bge-small-en-v1.5: 33,360,000 with the HF pooler (384x384 + 384), which GGUF files leave out.
  EXPECT_EQ(parameters("bert", "bge-small"), 33'360'000 - 384 * 384 - 384);
  // Qwen3-Embedding-0.6B: 595,776,512 (tied embeddings, head_dim 128 with 16 query heads).
  EXPECT_EQ(parameters("qwen3", "qwen3-embedding-0.6b"), 595'776'512);
}

std::string generate(const std::string& arch, const std::string& shape, const std::string& type = "F16") {
  ls::tools::GenModelOptions o;
  o.arch = arch;
  o.shape = shape;
  o.file_type = type;
  o.seed = 7;
  o.threads = 1;
  o.output = ::testing::TempDir() + "gen-" + arch + "-" + shape + "-" + type + ".gguf";
  auto r = ls::tools::generate_model(o);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return o.output;
}

TEST(GenModelEmbed, TinyBertEmbedsWithItsSyntheticWordPiece) {
  const std::string path = generate("bert", "tiny", "Q8_0");
  auto e = ls::embed::ModelEmbedder::open(path);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ((*e)->dimension(), 128);
  EXPECT_EQ((*e)->model().pooling(), ls::model::Pooling::kCls);
  auto ids = (*e)->input_tokens("the Fox", ls::kb::EmbedPurpose::kDocument);
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->front(), 101);
  EXPECT_EQ(ids->back(), 102);
  EXPECT_EQ(ids->size(), 6u);  // [CLS] ▁the ▁f o x [SEP]
  auto v = (*e)->embed({"the fox", "of the document", "the fox"}, ls::kb::EmbedPurpose::kDocument);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ((*v)[0], (*v)[2]);
  EXPECT_NE((*v)[0], (*v)[1]);
  std::filesystem::remove(path);
}

TEST(GenModelEmbed, TinyBertRerankerScores) {
  const std::string path = generate("bert", "tiny-reranker");
  auto r = ls::embed::ModelReranker::open(path);
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto s = (*r)->score("query", {"a document", "another one"});
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->size(), 2u);
  for (float x : *s) EXPECT_TRUE(x > 0.0f && x < 1.0f);
  std::filesystem::remove(path);
}

TEST(GenModelEmbed, Qwen3RerankerIsPYesFromTheHead) {
  const std::string path = generate("qwen3", "tiny-reranker");
  auto r = ls::embed::ModelReranker::open(path);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ls::embed::EmbeddingModel& m = (*r)->model();
  EXPECT_TRUE(m.is_decoder());
  auto ids = m.pair_tokens("what is x", "x is a letter");
  ASSERT_TRUE(ids.ok()) << ids.error().message;
  auto scores = m.rank("what is x", {"x is a letter"});
  ASSERT_TRUE(scores.ok()) << scores.error().message;
  auto logits = m.rank("what is x", {"x is a letter"}, /*raw_logits=*/true);
  ASSERT_TRUE(logits.ok());

  // By hand: last hidden state after output_norm, the two rows of cls.output (yes, no), softmax.
  auto dm = ls::model::Model::load(path);
  ASSERT_TRUE(dm.ok()) << dm.error().message;
  ls::model::DecoderEmbedding de(*dm, nullptr);
  auto h = de.pooled(*ids, ls::model::Pooling::kLast);
  ASSERT_TRUE(h.ok());
  const ls::gguf::TensorInfo* head = (*dm)->file().find_tensor("cls.output.weight");
  ASSERT_NE(head, nullptr);
  ASSERT_EQ(head->ne[1], 2);
  const size_t row_bytes = head->nbytes / 2;
  std::vector<float> row(h->size());
  double z[2];
  for (int k = 0; k < 2; ++k) {
    ls::kernels::kernels(head->type)->dequantize_row(head->data + k * row_bytes, row.data(), static_cast<int64_t>(row.size()));
    z[k] = 0;
    for (size_t i = 0; i < row.size(); ++i) z[k] += static_cast<double>(row[i]) * (*h)[i];
  }
  const double p_yes = 1.0 / (1.0 + std::exp(z[1] - z[0]));
  EXPECT_NEAR((*scores)[0], p_yes, 2e-3);  // the engine's matmul rounds activations to F16 here
  EXPECT_NEAR((*logits)[0], z[0] - z[1], 2e-2);
  std::filesystem::remove(path);
}

TEST(GenModelEmbed, Qwen3EmbeddingShapeRuns) {
  const std::string path = generate("qwen3", "tiny");
  auto e = ls::embed::ModelEmbedder::open(path);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ((*e)->model().pooling(), ls::model::Pooling::kLast);
  auto v = (*e)->embed({"hello", "hello world"}, ls::kb::EmbedPurpose::kQuery);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ((*v)[0].size(), 256u);
  std::filesystem::remove(path);
}

}  // namespace
