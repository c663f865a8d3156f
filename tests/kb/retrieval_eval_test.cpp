// Retrieval quality on the shared BEIR-layout sets, with the default settings, against each set's
// reference BM25 score (see ../shared/data/*/README.md). Compiled twice: the large sets are
// labelled slow (KB_EVAL_SLOW_SETS).
#include <gtest/gtest.h>

#include <cmath>

#include "kb/beir_eval.h"
#include "test_support.h"

namespace ls::kb {
namespace {

void expect_at_least(const std::string& set, const std::string& split, double target_ndcg) {
  LS_REQUIRE_ASSET("data/" + set + "/corpus.jsonl");
  EvalOptions o;
  o.dataset_dir = ls::test::shared_path("data/" + set);
  o.split = split;
  auto r = evaluate_beir(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_GT(r->queries, 0);
  EXPECT_GE(r->ndcg_at_10, target_ndcg) << set << " nDCG@10";
  EXPECT_GT(r->recall_at_100, 0.9) << set;
  EXPECT_GT(r->mrr_at_10, target_ndcg - 0.05) << set;
  std::printf("%s/%s: nDCG@10 %.4f recall@100 %.4f MRR@10 %.4f queries %lld p50 %.2f ms\n", set.c_str(),
              r->split.c_str(), r->ndcg_at_10, r->recall_at_100, r->mrr_at_10, static_cast<long long>(r->queries),
              r->p50_ms);
}

#ifdef KB_EVAL_SLOW_SETS
TEST(RetrievalEval, SciFactTrain) { expect_at_least("scifact", "train", 0.695); }
TEST(RetrievalEval, Cmrc2018Dev) { expect_at_least("cmrc2018", "", 0.98); }
TEST(RetrievalEval, DrcdTest) { expect_at_least("drcd", "test", 0.9599); }
#else
TEST(RetrievalEval, XquadZhTest) { expect_at_least("xquad-zh", "", 0.967); }
TEST(RetrievalEval, XquadEnTest) { expect_at_least("xquad-en", "", 0.9681); }
#endif

TEST(RetrievalMetrics, MatchTrecEvalDefinitions) {
  std::vector<std::pair<std::string, int>> rel = {{"a", 1}, {"b", 1}};
  EXPECT_DOUBLE_EQ(ndcg_at({"a", "b", "c"}, rel, 10), 1.0);
  EXPECT_NEAR(ndcg_at({"c", "a"}, rel, 10), (1 / std::log2(3.0)) / (1 + 1 / std::log2(3.0)), 1e-12);
  EXPECT_DOUBLE_EQ(recall_at({"c", "a"}, rel, 100), 0.5);
  EXPECT_DOUBLE_EQ(mrr_at({"c", "x", "b"}, rel, 10), 1.0 / 3);
  EXPECT_DOUBLE_EQ(mrr_at({"c", "x", "b"}, rel, 2), 0.0);
}

}  // namespace
}  // namespace ls::kb
