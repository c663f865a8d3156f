#include "kb/dense_retriever.h"

#include <algorithm>
#include <filesystem>

#include "kb/search_sql.h"
#include "kb/top_k.h"
#include "kb/vector_codec.h"

namespace ls::kb {

std::vector<std::pair<int64_t, double>> exact_top_k(const StoredVectors& v, const void* query, size_t k,
                                                    const std::vector<int64_t>* allowed) {
  TopK best(k);
  const size_t bytes = encoded_vector_bytes(v.space.encoding, v.space.dimension);
  auto consider = [&](size_t i) {
    best.offer(encoded_dot(v.space.encoding, query, v.data.data() + i * bytes, v.space.dimension), v.chunk_ids[i]);
  };
  if (k > 0) {
    if (allowed == nullptr) {
      for (size_t i = 0; i < v.chunk_ids.size(); ++i) consider(i);
    } else {
      // Both id lists ascend: one merge pass.
      size_t j = 0;
      for (size_t i = 0; i < v.chunk_ids.size() && j < allowed->size(); ++i) {
        while (j < allowed->size() && (*allowed)[j] < v.chunk_ids[i]) ++j;
        if (j < allowed->size() && (*allowed)[j] == v.chunk_ids[i]) consider(i);
      }
    }
  }
  return best.take();
}

std::vector<std::pair<int64_t, double>> DenseIndex::search(const void* query, size_t k,
                                                           const std::vector<int64_t>* allowed) const {
  if (ann && allowed == nullptr) return ann->search(query, k);
  return exact_top_k(vectors, query, k, allowed);
}

std::string DenseRetriever::index_path(const Collection& c) const {
  return options_.index_dir.empty() ? std::string() : options_.index_dir + "/" + std::to_string(c.id) + ".hnsw";
}

void DenseRetriever::forget(const Collection& c) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    cache_.erase(c.id);
  }
  const std::string path = index_path(c);
  if (path.empty()) return;
  std::error_code ec;
  std::filesystem::remove(path, ec);
  std::filesystem::remove(path + ".meta", ec);
}

Result<std::shared_ptr<const DenseIndex>> DenseRetriever::index(const std::string& collection) {
  LS_ASSIGN_OR_RETURN(Collection c, store_.get_collection(collection));
  LS_ASSIGN_OR_RETURN(std::optional<VectorSpace> space, store_.vector_space(collection));
  if (!space)
    return Error::invalid("collection '" + collection + "' has no vectors (run `localseek kb embed " + collection +
                          " --embedding-model MODEL`)");
  std::lock_guard<std::mutex> lk(mu_);
  if (auto it = cache_.find(c.id); it != cache_.end()) {
    const VectorSpace& have = it->second->vectors.space;
    if (have.generation == space->generation && have.model == space->model) return it->second;
  }
  auto idx = std::make_shared<DenseIndex>();
  LS_ASSIGN_OR_RETURN(idx->vectors, store_.load_vectors(collection));
  idx->origin = "exact";
  if (idx->vectors.chunk_ids.size() >= options_.ann_threshold) {
    const std::string path = index_path(c);
    const std::string owner = c.name + "@" + std::to_string(c.created_at);
    std::string why = "no index file";
    if (!path.empty()) {
      auto loaded = HnswIndex::load(path, owner, idx->vectors, options_.hnsw);
      if (loaded.ok()) {
        idx->ann = std::move(*loaded);
        idx->origin = "hnsw loaded";
      } else {
        why = loaded.error().message;
      }
    }
    if (!idx->ann) {
      LS_ASSIGN_OR_RETURN(idx->ann, HnswIndex::build(idx->vectors, options_.hnsw));
      idx->origin = path.empty() ? "hnsw built" : "hnsw rebuilt (" + why + ")";
      // The graph is a cache: failing to persist it costs a rebuild next time, not the search.
      if (!path.empty()) (void)idx->ann->save(path, owner, idx->vectors);
    }
  }
  cache_[c.id] = idx;
  return std::shared_ptr<const DenseIndex>(idx);
}

Result<std::vector<SearchHit>> DenseRetriever::search(const SearchRequest& req, Embedder* embedder) {
  if (req.top_k < 1 || req.top_k > 1000)
    return Error::invalid("top_k must be in [1, 1000], got " + std::to_string(req.top_k));
  LS_ASSIGN_OR_RETURN(Collection c, store_.get_collection(req.collection));
  LS_ASSIGN_OR_RETURN(std::optional<VectorSpace> space, store_.vector_space(req.collection));
  if (!space)
    return Error::invalid("collection '" + req.collection + "' has no vectors (run `localseek kb embed " +
                          req.collection + " --embedding-model MODEL`)");
  if (embedder == nullptr)
    return Error::unsupported("dense search needs an embedding model: collection '" + req.collection +
                              "' was embedded with '" + space->model + "' (load it with --embedding-model)");
  if (embedder->model_id() != space->model || embedder->dimension() != space->dimension)
    return Error::invalid("collection '" + req.collection + "' was embedded with model '" + space->model +
                          "' (dimension " + std::to_string(space->dimension) + "), but the loaded model is '" +
                          embedder->model_id() + "' (dimension " + std::to_string(embedder->dimension()) +
                          "): load that model, or re-embed with `localseek kb embed " + req.collection + "`");
  LS_ASSIGN_OR_RETURN(auto qv, embedder->embed({req.query}, EmbedPurpose::kQuery));
  LS_TRY(check_vectors(qv, 1, space->dimension, space->model));
  std::string query;
  encode_vector(space->encoding, qv[0], query);
  LS_ASSIGN_OR_RETURN(std::shared_ptr<const DenseIndex> idx, index(req.collection));
  std::vector<int64_t> allowed;
  const bool filtered = has_filters(req.filters);
  if (filtered) {
    LS_ASSIGN_OR_RETURN(allowed, store_.filtered_chunk_ids(req.collection, req.filters));
  }
  auto scored = idx->search(query.data(), static_cast<size_t>(req.top_k), filtered ? &allowed : nullptr);
  LS_ASSIGN_OR_RETURN(auto reader, store_.reader());
  return fetch_hits(reader.db(), c.id, scored, req.include_text, "dense");
}

}  // namespace ls::kb
