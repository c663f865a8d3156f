// Ingestion: files, folders and raw bytes → parsed → chunked → stored in batches.
// A bad item never stops a batch: it is recorded in the report (path + reason) and skipped.
// Documents are written in batches, each batch one transaction; the commit callback is told which
// documents a commit made durable (the CLI prints them as acknowledgements).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kb/document_store.h"
#include "kb/formats.h"

namespace ls::kb {

struct IngestOptions {
  std::vector<std::string> include;  // globs (fnmatch) on folder-relative path or file name
  std::vector<std::string> exclude;
  std::optional<int64_t> source_id;  // declared source the documents belong to
  size_t batch_docs = 256;           // commit after this many documents…
  size_t batch_bytes = 8u << 20;     // …or this much text, whichever first
  size_t max_file_bytes = 256u << 20;
  // Runs on each batch just before it is written (KnowledgeBase computes chunk vectors here, so
  // they are stored in the same transaction as their chunks). An error stops the ingestion.
  std::function<Status(std::vector<DocumentInput>& batch)> before_commit;
};

struct IngestReport {
  int64_t added = 0, changed = 0, unchanged = 0, failed = 0;
  int64_t bytes = 0;                 // raw bytes read
  std::vector<std::string> errors;   // "path: reason"
  std::vector<std::string> seen_ids; // every document id produced (for sync's removal pass)
  std::vector<std::string> warnings; // e.g. chunks left without vectors
};

using CommitCallback = std::function<void(const std::vector<DocumentInput>& docs,
                                          const std::vector<UpsertOutcome>& outcomes)>;

// Builds the stored form of a parsed document: chunks and content hash.
DocumentInput make_document(const ParsedDocument& doc, const CollectionConfig& config);
std::string content_hash(const ParsedDocument& doc);

// True when `rel` (folder-relative path) passes the include/exclude globs.
bool glob_selected(const std::string& rel, const std::vector<std::string>& include,
                   const std::vector<std::string>& exclude);

class Ingestor {
 public:
  Ingestor(DocumentStore& store, Collection collection, IngestOptions opts = {}, CommitCallback on_commit = {});

  // A file (any supported type) or a folder (recursive; supported types passing the globs; hidden
  // entries skipped). Problems are recorded in the report; only storage failures are returned.
  Status add_path(const std::string& path);
  // Raw bytes of one item, e.g. an HTTP body. `id` is the default document id, `source` its origin.
  Status add_bytes(std::string_view bytes, Format format, const std::string& id, const std::string& source);
  Status add_parsed(ParsedDocument doc, const std::string& source);
  // Records a failed item.
  void fail(const std::string& what, const std::string& reason);
  Status flush();

  const IngestReport& report() const { return report_; }

 private:
  Status add_file(const std::string& path);
  Status maybe_flush();

  DocumentStore& store_;
  Collection collection_;
  IngestOptions opts_;
  CommitCallback on_commit_;
  std::vector<DocumentInput> pending_;
  size_t pending_bytes_ = 0;
  IngestReport report_;
};

}  // namespace ls::kb
