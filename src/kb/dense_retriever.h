// Dense retrieval: the query embedded with the collection's model, then the nearest chunk vectors
// by cosine similarity. Below `ann_threshold` vectors (or with filters) the search is exact (SIMD
// dot products over every vector, kb/vector_dot.h); above it an HNSW graph (kb/hnsw_index.h)
// answers, persisted in `index_dir` and rebuilt from the store when missing, stale or damaged.
// Indexes are cached in memory per collection and rebuilt when the store's generation moves.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "kb/embedder.h"
#include "kb/hnsw_index.h"
#include "kb/sqlite_store.h"

namespace ls::kb {

struct DenseOptions {
  size_t ann_threshold = 10000;  // vectors from which HNSW answers instead of the exact scan
  HnswOptions hnsw;
  std::string index_dir;         // where HNSW graphs are kept; "" = not persisted
};

// Best k (chunk id, similarity) over all vectors, or only over `allowed` (ascending ids) when
// given; ties go to the lower chunk id.
std::vector<std::pair<int64_t, double>> exact_top_k(const StoredVectors& vectors, const void* encoded_query, size_t k,
                                                    const std::vector<int64_t>* allowed = nullptr);

// An immutable snapshot of a collection's vectors with its search structure.
struct DenseIndex {
  StoredVectors vectors;
  std::unique_ptr<HnswIndex> ann;  // null below the threshold
  std::string origin;              // "exact", "hnsw built", "hnsw loaded", "hnsw rebuilt (why)"
  std::vector<std::pair<int64_t, double>> search(const void* encoded_query, size_t k,
                                                 const std::vector<int64_t>* allowed = nullptr) const;
};

class DenseRetriever {
 public:
  DenseRetriever(SqliteStore& store, DenseOptions options) : store_(store), options_(std::move(options)) {}

  // Errors: no embedder loaded (kUnsupported); the collection has no vectors, or was embedded with
  // another model than `embedder` (kInvalidInput, naming both models and what to run).
  Result<std::vector<SearchHit>> search(const SearchRequest& request, Embedder* embedder);
  // The current index of a collection (built or loaded when the cached one is out of date).
  Result<std::shared_ptr<const DenseIndex>> index(const std::string& collection);
  // Removes the persisted graph of a collection (on collection deletion).
  void forget(const Collection& collection);
  std::string index_path(const Collection& collection) const;

 private:
  SqliteStore& store_;
  DenseOptions options_;
  std::mutex mu_;  // guards cache_ and serialises index builds
  std::map<int64_t, std::shared_ptr<const DenseIndex>> cache_;
};

}  // namespace ls::kb
