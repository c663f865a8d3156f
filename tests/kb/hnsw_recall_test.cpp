// HNSW (hnswlib) against the exact scan: recall@10 on a few thousand vectors. Labelled slow: fast
// in release (~2 s), ~20 s under ASan.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "clustered_vectors.h"
#include "kb/dense_retriever.h"
#include "kb/hnsw_index.h"

namespace ls::kb {
namespace {

using test::clustered;

TEST(HnswIndexTest, RecallAt10AgainstExactSearch) {
  for (VectorEncoding enc : {VectorEncoding::kF32, VectorEncoding::kI8}) {
    StoredVectors v = clustered(3000, 64, enc, 11);
    auto idx = HnswIndex::build(v, HnswOptions{});
    ASSERT_TRUE(idx.ok()) << idx.error().message;
    EXPECT_EQ((*idx)->size(), 3000u);
    StoredVectors queries = clustered(200, 64, enc, 12);
    const size_t bytes = encoded_vector_bytes(enc, 64);
    size_t found = 0, wanted = 0;
    for (size_t q = 0; q < queries.chunk_ids.size(); ++q) {
      const char* qv = queries.data.data() + q * bytes;
      auto exact = exact_top_k(v, qv, 10);
      auto approx = (*idx)->search(qv, 10);
      std::set<int64_t> truth;
      for (auto& e : exact) truth.insert(e.first);
      for (auto& a : approx) found += truth.count(a.first);
      wanted += truth.size();
    }
    const double recall = static_cast<double>(found) / static_cast<double>(wanted);
    std::printf("HNSW recall@10 (%s, 3000 x 64, 200 queries): %.4f\n", vector_encoding_name(enc), recall);
    EXPECT_GE(recall, 0.95) << vector_encoding_name(enc);
  }
}

}  // namespace
}  // namespace ls::kb
