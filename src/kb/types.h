// Plain data exchanged through the knowledge-base interfaces (DocumentStore, Retriever).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kb/analyzer.h"
#include "util/error.h"

namespace ls::kb {

// Per-collection settings, fixed when the collection is created (the analyzer shapes the index).
struct CollectionConfig {
  AnalyzerOptions analyzer;
  int chunk_tokens = 512;   // target chunk size, in approximate tokens (see kb/token_estimate.h)
  int chunk_overlap = 64;   // tokens repeated from the end of one chunk at the start of the next
  double k1 = 0.9;          // BM25 term-frequency saturation
  double b = 0.5;           // BM25 length normalisation (tuned on the SciFact train split, see kb/README.md)

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

struct SearchRequest {
  std::string query;
  std::string collection;
  int top_k = 5;
  SearchFilters filters;
  bool include_text = true;  // false skips fetching chunk text (evaluation)
};

struct SearchHit {
  double score = 0;  // BM25, higher is better
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
