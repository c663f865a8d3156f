// The knowledge base as one object: what the CLI (`localseek kb …`) and the HTTP server
// (POST /search, /v1/kb/{collection}/documents, sync status in /metrics) call.
//
//   auto kb = KnowledgeBase::open("./localseek-data");            // creates the folder if needed
//   SearchRequest req{.query = "how do I reset", .collection = "manuals", .top_k = 5};
//   auto hits = (*kb)->search(req);                               // ranked chunks with provenance
//
// Thread-safe: searches use pooled read connections; writes are serialised. Several processes may
// share a data directory (SQLite WAL locking). JSON forms of every type are in kb/json_io.h.
#pragma once

#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kb/bm25_retriever.h"
#include "kb/dense_retriever.h"
#include "kb/embedder.h"
#include "kb/reranker.h"
#include "kb/ingest.h"
#include "kb/source_types.h"
#include "kb/sqlite_store.h"
#include "kb/sync.h"
#include "kb/url_fetch.h"

namespace ls::kb {

// A document given directly (API upload) rather than read from a file.
struct NewDocument {
  std::string id;        // empty: derived from the content ("doc-" + hash)
  std::string title;     // empty: from the content (markdown/html heading or <title>), else the id
  std::string text;      // the content, UTF-8 (or any charset for "text": it is detected)
  std::string format = "text";  // text | markdown | html | jsonl is not accepted here
  std::string metadata_json = "{}";
  std::string source;    // provenance shown in results; empty: "api"
};

// Progress of `embed`: chunks embedded so far of those that needed it. Return false to stop
// (what was committed stays; the next run continues from there).
using EmbedProgress = std::function<bool(int64_t done, int64_t total)>;

struct EmbedReport {
  std::string model;
  int dimension = 0;
  int64_t embedded = 0;      // vectors written by this run
  int64_t remaining = 0;     // chunks still without a current vector (stopped early)
  bool model_changed = false;
};

struct AddedDocument {
  std::string id;
  UpsertOutcome outcome = UpsertOutcome::kAdded;
  int64_t chunks = 0;
};

class KnowledgeBase {
 public:
  static Result<std::unique_ptr<KnowledgeBase>> open(const std::string& data_dir, DenseOptions dense = {});

  // The embedding model (one instance shared with /v1/embeddings). With one, new collections take
  // its model, ingestion stores chunk vectors in the same transaction as the chunks, and dense and
  // hybrid search work on collections embedded with it. Set before sharing the object.
  void set_embedder(std::shared_ptr<Embedder> e) { embedder_ = std::move(e); }
  Embedder* embedder() const { return embedder_.get(); }
  void set_reranker(std::shared_ptr<Reranker> r) { reranker_ = std::move(r); }
  Reranker* reranker() const { return reranker_.get(); }

  // Gives the collection the loaded embedding model (a different one marks its vectors stale) and
  // embeds every chunk without a current vector, `batch` chunks per embedder call and commit.
  Result<EmbedReport> embed(const std::string& collection, const EmbedProgress& progress = {}, int batch = 32);

  // Collections.
  Result<Collection> create_collection(const std::string& name, const CollectionConfig& config = {});
  Result<std::vector<Collection>> list_collections() { return store_->list_collections(); }
  Status delete_collection(const std::string& name);
  Result<CollectionStats> stats(const std::string& collection) { return store_->stats(collection); }

  // Search: {query, collection, top_k (default 5), filters, mode, fusion, rerank} -> ranked chunks,
  // each saying which retriever(s) found it at which rank (kb/fusion.h for hybrid).
  Result<std::vector<SearchHit>> search(const SearchRequest& request);

  // Documents.
  Result<AddedDocument> add_document(const std::string& collection, const NewDocument& doc);
  Result<DocumentPage> list_documents(const std::string& collection, int64_t offset = 0, int64_t limit = 50) {
    return store_->list_documents(collection, offset, limit);
  }
  Result<Document> get_document(const std::string& collection, const std::string& id, bool with_chunks = true) {
    return store_->get_document(collection, id, with_chunks);
  }
  Status delete_document(const std::string& collection, const std::string& id) {
    return store_->delete_document(collection, id);
  }

  // Files, folders, URLs and URL lists (see kb/input_source.h); bad items are in the report.
  Result<IngestReport> ingest(const std::string& collection, const std::vector<std::string>& inputs,
                              const IngestOptions& options = {}, const FetchPolicy& fetch = {},
                              CommitCallback on_commit = {});

  // Declared sources and their sync.
  Result<Source> add_source(const std::string& collection, const SourceSpec& spec);
  Result<std::vector<Source>> list_sources(const std::string& collection = "") { return store_->list_sources(collection); }
  Status remove_source(int64_t id) { return store_->remove_source(id); }
  Result<SyncStatus> sync_source(int64_t source_id, const SyncOptions& options = {});
  // Sources whose cron schedule has come due at `now`.
  Result<std::vector<Source>> due_sources(std::time_t now);

  SqliteStore& store() { return *store_; }
  Retriever& retriever() { return *retriever_; }
  DenseRetriever& dense() { return *dense_; }

 private:
  KnowledgeBase() = default;
  // IngestOptions::before_commit: vectors for the new and changed documents of a batch.
  Status embed_batch(const std::string& collection, std::vector<DocumentInput>& batch, std::vector<std::string>* warnings);
  Result<std::vector<SearchHit>> rerank(const SearchRequest& request, std::vector<SearchHit> hits);

  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Bm25Retriever> retriever_;
  std::unique_ptr<DenseRetriever> dense_;
  std::shared_ptr<Embedder> embedder_;
  std::shared_ptr<Reranker> reranker_;
};

}  // namespace ls::kb
