// Fusion maths, checked against hand-computed values.
#include <gtest/gtest.h>

#include "kb/fusion.h"
#include "kb/json_io.h"

namespace ls::kb {
namespace {

SearchHit hit(int64_t id, double score) {
  SearchHit h;
  h.chunk_id = id;
  h.score = score;
  h.document_id = "doc" + std::to_string(id);
  return h;
}

// bm25: A(1) B(2) C(3); dense: C(1) A(2) D(3). Ids: A=1 B=2 C=3 D=4.
std::vector<RankedList> two_lists() {
  RankedList bm{"bm25", {hit(1, 10), hit(2, 5), hit(3, 0)}, 0.5};
  RankedList de{"dense", {hit(3, 0.9), hit(1, 0.5), hit(4, 0.1)}, 0.5};
  return {bm, de};
}

TEST(Fusion, RrfByHand) {
  auto out = fuse_rrf(two_lists(), 60, 10);
  ASSERT_EQ(out.size(), 4u);
  // A = 1/61 + 1/62 = 0.0325224..., C = 1/63 + 1/61 = 0.0322664..., B = 1/62, D = 1/63.
  EXPECT_EQ(out[0].chunk_id, 1);
  EXPECT_DOUBLE_EQ(out[0].score, 1.0 / 61 + 1.0 / 62);
  EXPECT_EQ(out[1].chunk_id, 3);
  EXPECT_DOUBLE_EQ(out[1].score, 1.0 / 63 + 1.0 / 61);
  EXPECT_EQ(out[2].chunk_id, 2);
  EXPECT_DOUBLE_EQ(out[2].score, 1.0 / 62);
  EXPECT_EQ(out[3].chunk_id, 4);
  EXPECT_DOUBLE_EQ(out[3].score, 1.0 / 63);
  // Provenance: every list that returned the hit, its rank and score there, in list order.
  std::vector<RetrieverRank> a_by{{"bm25", 1, 10}, {"dense", 2, 0.5}};
  EXPECT_EQ(out[0].found_by, a_by);
  std::vector<RetrieverRank> d_by{{"dense", 3, 0.1}};
  EXPECT_EQ(out[3].found_by, d_by);
  EXPECT_EQ(out[3].document_id, "doc4");
}

TEST(Fusion, RrfConstantChangesTheOrder) {
  // k = 0 weighs the head of each list fully: A = 1/1 + 1/2, C = 1/3 + 1/1.
  auto out = fuse_rrf(two_lists(), 0, 2);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].chunk_id, 1);
  EXPECT_DOUBLE_EQ(out[0].score, 1.0 + 0.5);
  EXPECT_EQ(out[1].chunk_id, 3);
  EXPECT_DOUBLE_EQ(out[1].score, 1.0 / 3 + 1.0);
}

TEST(Fusion, RrfTiesGoToBestRankThenLowerChunkId) {
  RankedList x{"bm25", {hit(9, 1), hit(5, 1)}, 1};
  RankedList y{"dense", {hit(7, 1), hit(8, 1)}, 1};
  auto out = fuse_rrf({x, y}, 60, 10);
  // 9 and 7 both score 1/61 with best rank 1 -> lower id first; then 5 and 8 (1/62).
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].chunk_id, 7);
  EXPECT_EQ(out[1].chunk_id, 9);
  EXPECT_EQ(out[2].chunk_id, 5);
  EXPECT_EQ(out[3].chunk_id, 8);
}

TEST(Fusion, WeightedByHand) {
  // bm25 normalised: A 1, B 0.5, C 0; dense: C 1, A 0.5, D 0.
  auto out = fuse_weighted(two_lists(), 10);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].chunk_id, 1);
  EXPECT_DOUBLE_EQ(out[0].score, 0.5 * 1 + 0.5 * 0.5);
  EXPECT_EQ(out[1].chunk_id, 3);
  EXPECT_DOUBLE_EQ(out[1].score, 0.5 * 0 + 0.5 * 1);
  EXPECT_EQ(out[2].chunk_id, 2);
  EXPECT_DOUBLE_EQ(out[2].score, 0.25);
  EXPECT_EQ(out[3].chunk_id, 4);
  EXPECT_DOUBLE_EQ(out[3].score, 0.0);
  auto lists = two_lists();
  lists[0].weight = 0.2;
  lists[1].weight = 0.8;
  out = fuse_weighted(lists, 1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].chunk_id, 3);  // C = 0.8 beats A = 0.2 + 0.4
  EXPECT_DOUBLE_EQ(out[0].score, 0.8);
}

TEST(Fusion, WeightedEqualScoresNormaliseToOne) {
  RankedList x{"bm25", {hit(1, 3), hit(2, 3)}, 0.5};
  RankedList y{"dense", {}, 0.5};
  auto out = fuse_weighted({x, y}, 10);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_DOUBLE_EQ(out[0].score, 0.5);
  EXPECT_DOUBLE_EQ(out[1].score, 0.5);
  EXPECT_EQ(out[0].chunk_id, 1);
}

TEST(SearchJson, ModeFusionAndRerankAreParsed) {
  auto r = search_request_from_json(nlohmann::json::parse(
      R"({"query":"q","collection":"c","mode":"hybrid","fusion":{"method":"weighted","k":10,"dense_weight":0.7},
          "rerank":{"model":"bge","top_n":20}})"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->mode, SearchMode::kHybrid);
  EXPECT_EQ(r->fusion, FusionMethod::kWeighted);
  EXPECT_EQ(r->rrf_k, 10);
  EXPECT_DOUBLE_EQ(r->dense_weight, 0.7);
  ASSERT_TRUE(r->rerank.has_value());
  EXPECT_EQ(r->rerank->model, "bge");
  EXPECT_EQ(r->rerank->top_n, 20);
  auto plain = search_request_from_json(nlohmann::json::parse(R"({"query":"q","collection":"c","fusion":"rrf"})"));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->mode, SearchMode::kBm25);
  EXPECT_EQ(plain->rrf_k, 60);
  for (const char* bad : {R"({"query":"q","collection":"c","mode":"sparse"})",
                          R"({"query":"q","collection":"c","mode":3})",
                          R"({"query":"q","collection":"c","fusion":{"dense_weight":2}})",
                          R"({"query":"q","collection":"c","fusion":"max"})",
                          R"({"query":"q","collection":"c","rerank":{"top_n":0}})"}) {
    auto e = search_request_from_json(nlohmann::json::parse(bad));
    EXPECT_FALSE(e.ok()) << bad;
  }
  SearchHit h = hit(3, 0.5);
  h.found_by = {{"bm25", 2, 7.5}, {"dense", 1, 0.9}};
  auto j = to_json(h);
  ASSERT_EQ(j["retrievers"].size(), 2u);
  EXPECT_EQ(j["retrievers"][1]["retriever"], "dense");
  EXPECT_EQ(j["retrievers"][1]["rank"], 1);
}

}  // namespace
}  // namespace ls::kb
