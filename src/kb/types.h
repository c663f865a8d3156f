// Plain data exchanged through the knowledge-base interfaces (DocumentStore, Retriever).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kb/analyzer.h"
#include "kb/vector_codec.h"
#include "util/error.h"

namespace ls::kb {

// Per-collection settings, fixed when the collection is created (the analyzer shapes the index).
struct CollectionConfig {
  AnalyzerOptions analyzer;
  int chunk_tokens = 512;   // target chunk size, in approximate tokens (see kb/token_estimate.h)
  int chunk_overlap = 64;   // tokens repeated from the end of one chunk at the start of the next
  double k1 = 0.9;          // BM25 term-frequency saturation
  double b = 0.5;           // BM25 length normalisation (tuned on the SciFact train split, see kb/README.md)
  VectorEncoding vectors = VectorEncoding::kF32;  // how chunk vectors are stored (kb/vector_codec.h)

  std::string to_json() const;
  static Result<CollectionConfig> from_json(const std::string& json);
  Status validate() const;
};

struct Collection {
  int64_t id = 0;
  std::string name;
  CollectionConfig config;
  int64_t created_at = 0;  // unix seconds
};

struct ChunkInput {
  std::string text;
  std::vector<float> embedding;  // empty: no vector yet (`kb embed` fills it in later)
  std::string heading_path;  // "Chapter > Section", empty when none
  int64_t start_offset = 0;  // byte range in the document's (UTF-8) text
  int64_t end_offset = 0;
  int page = 0;              // 1-based PDF page, 0 when not paged
  int token_count = 0;
};

// A document ready to store: identity, provenance and its chunks.
struct DocumentInput {
  std::string id;               // unique within the collection (file path, URL or caller's id)
  std::string source;           // where it came from (path/URL), shown in results
  std::string title;
  std::string metadata_json = "{}";
  std::string content_hash;     // of the extracted text + title; unchanged hash = no rewrite
  std::optional<int64_t> source_id;  // declared source that produced it (kb source), if any
  std::vector<ChunkInput> chunks;
  std::string embedding_model;  // model of the chunks' embeddings; must be the collection's
};

struct DocumentInfo {
  std::string id;
  std::string source;
  std::string title;
  std::string content_hash;
  std::string metadata_json;
  std::optional<int64_t> source_id;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t chunk_count = 0;
};

struct ChunkInfo {
  int64_t id = 0;
  int position = 0;
  std::string text;
  std::string heading_path;
  int64_t start_offset = 0;
  int64_t end_offset = 0;
  int page = 0;
};

struct Document {
  DocumentInfo info;
  std::vector<ChunkInfo> chunks;
};

struct DocumentPage {
  std::vector<DocumentInfo> items;
  int64_t total = 0;
  int64_t offset = 0;
};

enum class UpsertOutcome { kAdded, kChanged, kUnchanged };

struct CollectionStats {
  int64_t documents = 0;
  int64_t chunks = 0;
  int64_t text_bytes = 0;
  int64_t sources = 0;
};

struct SearchFilters {
  std::vector<std::string> document_ids;       // only these documents (empty = all)
  std::string source_prefix;                   // only sources starting with this
  std::map<std::string, std::string> metadata;  // metadata.key == value (string compare)
};

// Which retrievers answer a search: BM25 over FTS5, nearest chunk vectors, or both fused.
enum class SearchMode { kBm25, kDense, kHybrid };
Result<SearchMode> parse_search_mode(const std::string& name);  // bm25 | dense | hybrid
const char* search_mode_name(SearchMode m);

// How hybrid search merges the two rankings (kb/fusion.h).
enum class FusionMethod { kRrf, kWeighted };
Result<FusionMethod> parse_fusion_method(const std::string& name);  // rrf | weighted
const char* fusion_method_name(FusionMethod m);

struct RerankSpec {
  std::string model;  // "" or a prefix of the loaded reranker's model id (e.g. its file stem)
  int top_n = 0;      // fused results rescored by the cross-encoder; 0: all of top_k
};

struct SearchRequest {
  std::string query;
  std::string collection;
  int top_k = 5;
  SearchFilters filters;
  bool include_text = true;  // false skips fetching chunk text (evaluation)
  SearchMode mode = SearchMode::kBm25;
  FusionMethod fusion = FusionMethod::kRrf;
  int rrf_k = 60;               // RRF constant: score = sum 1 / (rrf_k + rank)
  double dense_weight = 0.5;    // weighted fusion: dense share; bm25 gets 1 - dense_weight
  int candidates = 0;           // per retriever before fusion; 0: max(top_k, 100) capped at 1000
  std::optional<RerankSpec> rerank;
};

// One retriever's view of a hit: its name ("bm25", "dense", "rerank"), 1-based rank and score.
struct RetrieverRank {
  std::string retriever;
  int rank = 0;
  double score = 0;
  bool operator==(const RetrieverRank&) const = default;
};

struct SearchHit {
  double score = 0;  // of the mode: BM25, cosine, fused (RRF or weighted), or the reranker's; higher is better
  std::vector<RetrieverRank> found_by;  // every retriever that returned the hit, in a fixed order
  std::string document_id;
  std::string title;
  std::string source;
  std::string metadata_json;
  int64_t chunk_id = 0;
  int position = 0;  // chunk index within the document
  std::string text;
  std::string heading_path;
  int64_t start_offset = 0;
  int64_t end_offset = 0;
  int page = 0;
};

}  // namespace ls::kb
