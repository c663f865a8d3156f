// Synthetic embedding-like vectors for index tests: a few thousand points around 40 topic centres
// (clustered like real embeddings, not uniform noise), chunk ids 100, 103, 106, ...
#pragma once

#include <random>
#include <vector>

#include "kb/sqlite_store.h"
#include "kb/vector_codec.h"

namespace ls::kb::test {

inline StoredVectors clustered(size_t n, int dim, VectorEncoding enc, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  std::vector<std::vector<float>> centres(40, std::vector<float>(static_cast<size_t>(dim)));
  for (auto& c : centres)
    for (auto& x : c) x = g(rng);
  StoredVectors v;
  v.space = {"synthetic", dim, enc, 1};
  for (size_t i = 0; i < n; ++i) {
    std::vector<float> x = centres[i % centres.size()];
    for (auto& e : x) e += 0.6f * g(rng);
    encode_vector(enc, x, v.data);
    v.chunk_ids.push_back(static_cast<int64_t>(100 + 3 * i));
  }
  return v;
}


}  // namespace ls::kb::test
