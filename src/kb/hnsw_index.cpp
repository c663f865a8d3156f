#include "kb/hnsw_index.h"

// hnswlib 0.6.2's prefetch hints read the link list one entry past its end (ASan reports it);
// our distance is our own code anyway, so its hand-vectorised paths are switched off.
#define NO_MANUAL_VECTORIZATION 1
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kb/vector_codec.h"

namespace ls::kb {
namespace {

// hnswlib's distance: smaller is nearer, so 1 - similarity.
class EncodedSpace final : public hnswlib::SpaceInterface<float> {
 public:
  EncodedSpace(VectorEncoding e, int dim) : encoding_(e), dim_(dim), bytes_(encoded_vector_bytes(e, dim)) {}
  size_t get_data_size() override { return bytes_; }
  hnswlib::DISTFUNC<float> get_dist_func() override { return &distance; }
  void* get_dist_func_param() override { return this; }

 private:
  static float distance(const void* a, const void* b, const void* param) {
    const auto* s = static_cast<const EncodedSpace*>(param);
    return 1.0f - encoded_dot(s->encoding_, a, b, s->dim_);
  }
  VectorEncoding encoding_;
  int dim_;
  size_t bytes_;
};

uint64_t fnv1a(const std::string& bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

Result<std::string> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::not_found(path + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json describe(const StoredVectors& v, const HnswOptions& o, const std::string& owner) {
  return {{"format", "localseek-hnsw-1"},
          {"owner", owner},
          {"model", v.space.model},
          {"dimension", v.space.dimension},
          {"encoding", vector_encoding_name(v.space.encoding)},
          {"generation", v.space.generation},
          {"count", v.chunk_ids.size()},
          {"m", o.m}};
}

}  // namespace

struct HnswIndex::Impl {
  std::unique_ptr<EncodedSpace> space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
  HnswOptions options;
};

HnswIndex::HnswIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HnswIndex::~HnswIndex() = default;

Result<std::unique_ptr<HnswIndex>> HnswIndex::build(const StoredVectors& v, const HnswOptions& o) {
  auto impl = std::make_unique<Impl>();
  impl->options = o;
  impl->space = std::make_unique<EncodedSpace>(v.space.encoding, v.space.dimension);
  const size_t bytes = encoded_vector_bytes(v.space.encoding, v.space.dimension);
  const size_t n = v.chunk_ids.size();
  try {
    impl->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        impl->space.get(), std::max<size_t>(n, 1), static_cast<size_t>(o.m), static_cast<size_t>(o.ef_construction));
    impl->graph->setEf(static_cast<size_t>(o.ef_search));
    for (size_t i = 0; i < n; ++i)
      impl->graph->addPoint(v.data.data() + i * bytes, static_cast<hnswlib::labeltype>(v.chunk_ids[i]));
  } catch (const std::exception& e) {
    return Error::limit(std::string("building the HNSW index failed: ") + e.what());
  }
  return std::unique_ptr<HnswIndex>(new HnswIndex(std::move(impl)));
}

Result<std::unique_ptr<HnswIndex>> HnswIndex::load(const std::string& path, const std::string& owner,
                                                   const StoredVectors& v, const HnswOptions& o) {
  LS_ASSIGN_OR_RETURN(std::string meta_text, slurp(path + ".meta"));
  auto meta = nlohmann::json::parse(meta_text, nullptr, false);
  if (meta.is_discarded() || !meta.is_object() || !meta.contains("checksum") || !meta.contains("bytes"))
    return Error::invalid(path + ".meta: damaged");
  nlohmann::json want = describe(v, o, owner);
  for (const auto& [key, value] : want.items())
    if (!meta.contains(key) || meta[key] != value)
      return Error::invalid(path + ": built for another state of the collection (" + key + " differs)");
  LS_ASSIGN_OR_RETURN(std::string graph_bytes, slurp(path));
  if (!meta["bytes"].is_number_unsigned() || meta["bytes"].get<uint64_t>() != graph_bytes.size() ||
      !meta["checksum"].is_string() || meta["checksum"].get<std::string>() != std::to_string(fnv1a(graph_bytes)))
    return Error::invalid(path + ": damaged (size or checksum differs from its .meta)");
  auto impl = std::make_unique<Impl>();
  impl->options = o;
  impl->space = std::make_unique<EncodedSpace>(v.space.encoding, v.space.dimension);
  try {
    impl->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(impl->space.get(), path, false,
                                                                     std::max<size_t>(v.chunk_ids.size(), 1));
    impl->graph->setEf(static_cast<size_t>(o.ef_search));
  } catch (const std::exception& e) {
    return Error::invalid(path + ": " + e.what());
  }
  if (impl->graph->cur_element_count != v.chunk_ids.size()) return Error::invalid(path + ": wrong element count");
  return std::unique_ptr<HnswIndex>(new HnswIndex(std::move(impl)));
}

Status HnswIndex::save(const std::string& path, const std::string& owner, const StoredVectors& v) const {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return Error::io(path + ": cannot create its folder: " + ec.message());
  const std::string tmp = path + ".tmp";
  try {
    impl_->graph->saveIndex(tmp);
  } catch (const std::exception& e) {
    return Error::io(tmp + ": " + e.what());
  }
  LS_ASSIGN_OR_RETURN(std::string graph_bytes, slurp(tmp));
  nlohmann::json meta = describe(v, impl_->options, owner);
  meta["bytes"] = static_cast<uint64_t>(graph_bytes.size());
  meta["checksum"] = std::to_string(fnv1a(graph_bytes));
  {
    std::ofstream out(path + ".meta.tmp", std::ios::binary | std::ios::trunc);
    out << meta.dump();
    if (!out) return Error::io(path + ".meta.tmp: cannot write");
  }
  // Graph first, then its sidecar: a crash in between leaves a sidecar that does not match.
  std::filesystem::rename(tmp, path, ec);
  if (!ec) std::filesystem::rename(path + ".meta.tmp", path + ".meta", ec);
  if (ec) return Error::io(path + ": cannot rename into place: " + ec.message());
  return {};
}

std::vector<std::pair<int64_t, double>> HnswIndex::search(const void* query, size_t k) const {
  std::vector<std::pair<int64_t, double>> out;
  if (k == 0 || impl_->graph->cur_element_count == 0) return out;
  auto pq = impl_->graph->searchKnn(query, k);
  while (!pq.empty()) {
    out.emplace_back(static_cast<int64_t>(pq.top().second), 1.0 - static_cast<double>(pq.top().first));
    pq.pop();
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  return out;
}

size_t HnswIndex::size() const { return impl_->graph->cur_element_count; }

}  // namespace ls::kb
