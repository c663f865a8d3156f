// Approximate nearest neighbours over encoded chunk vectors: Debian's hnswlib (libhnswlib-dev)
// with our own distance (1 - dot of the collection's encoding, kb/vector_codec.h), labels = chunk
// ids. Persisted as hnswlib's file plus a sidecar (`.meta`) that names what the graph was built
// from (model, dimension, encoding, store generation, count) and a checksum of the graph file:
// a file that is missing, from another generation or damaged is never loaded (hnswlib's loader
// trusts its input), and the caller rebuilds it from the store. The store is the source of truth.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kb/sqlite_store.h"

namespace ls::kb {

struct HnswOptions {
  int m = 16;                 // links per node (32 on the bottom layer)
  int ef_construction = 200;  // candidate list while building
  int ef_search = 64;         // candidate list while searching (at least k)
};

class HnswIndex {
 public:
  ~HnswIndex();
  HnswIndex(const HnswIndex&) = delete;
  HnswIndex& operator=(const HnswIndex&) = delete;

  static Result<std::unique_ptr<HnswIndex>> build(const StoredVectors& vectors, const HnswOptions& options);
  // Loads `path` when its sidecar matches `owner` (which collection, e.g. "name@created_at") and
  // `vectors` (space, generation, count) and the checksum holds; otherwise an error saying why
  // (the caller rebuilds).
  static Result<std::unique_ptr<HnswIndex>> load(const std::string& path, const std::string& owner,
                                                 const StoredVectors& vectors, const HnswOptions& options);
  // Writes the graph and its sidecar (temporary files renamed into place).
  Status save(const std::string& path, const std::string& owner, const StoredVectors& vectors) const;

  // Up to k (chunk id, similarity), best first. Thread-safe.
  std::vector<std::pair<int64_t, double>> search(const void* encoded_query, size_t k) const;
  size_t size() const;

 private:
  struct Impl;
  explicit HnswIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ls::kb
