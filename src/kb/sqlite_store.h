// The embedded DocumentStore: one SQLite database (WAL) in the data directory.
//
// Schema (versioned by PRAGMA user_version, migrated on open; see kb/schema.cpp):
//   collections(id, name, config JSON, created_at)
//   documents(id, collection_id, ext_id, source, title, content_hash, metadata JSON, source_id,
//             created_at, updated_at)
//   chunks(id, document_id, position, heading_path, start_offset, end_offset, page, token_count)
//   fts_<collection id>: FTS5(title, heading, text) with rowid = chunks.id, tokenizer 'localseek'
//   sources(id, collection_id, spec JSON, status JSON, created_at)
//   collection_vectors(collection_id, model, dimension, generation): the collection's embedding model
//   chunk_vectors(chunk_id, model, vector BLOB in the collection's encoding, kb/vector_codec.h)
// The chunk text lives only in the FTS5 table (no second copy).
//
// Concurrency: one writer connection behind a mutex, a pool of reader connections; safe to share
// between threads. Several processes may open the same directory (SQLite locking, busy timeout).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <vector>

#include "kb/document_store.h"
#include "kb/source_types.h"
#include "kb/sqlite_db.h"

namespace ls::kb {

// A collection's embedding model and the state of its vectors.
struct VectorSpace {
  std::string model;
  int dimension = 0;
  VectorEncoding encoding = VectorEncoding::kF32;
  int64_t generation = 0;  // grows with every change of the collection's chunks or vectors
};

struct VectorCounts {
  int64_t chunks = 0;
  int64_t current = 0;  // vector from the collection's model
  int64_t stale = 0;    // vector from an earlier model
  int64_t missing = 0;  // no vector
};

struct ChunkToEmbed {
  int64_t chunk_id = 0;
  std::string text;  // embedding_text() of the chunk
};

// Every current vector of a collection, encoded, ordered by chunk id.
struct StoredVectors {
  VectorSpace space;
  std::vector<int64_t> chunk_ids;
  std::string data;  // chunk_ids.size() * encoded_vector_bytes(space.encoding, space.dimension)
};

// What is embedded for a chunk, at ingestion and at re-embedding alike.
std::string embedding_text(const std::string& title, const std::string& heading_path, const std::string& text);

class SqliteStore : public DocumentStore {
 public:
  // Opens or creates `<dir>/kb.sqlite3` (creating dir), migrating the schema.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& dir);

  Result<Collection> create_collection(const std::string& name, const CollectionConfig& config) override;
  Result<Collection> get_collection(const std::string& name) override;
  Result<std::vector<Collection>> list_collections() override;
  Status delete_collection(const std::string& name) override;
  Result<std::vector<UpsertOutcome>> upsert_documents(const std::string& collection,
                                                      const std::vector<DocumentInput>& docs) override;
  Result<Document> get_document(const std::string& collection, const std::string& id, bool with_chunks) override;
  Result<DocumentPage> list_documents(const std::string& collection, int64_t offset, int64_t limit) override;
  Status delete_document(const std::string& collection, const std::string& id) override;
  Result<std::vector<std::pair<std::string, std::string>>> source_documents(const std::string& collection,
                                                                           int64_t source_id) override;
  Result<CollectionStats> stats(const std::string& collection) override;

  // Declared sources.
  Result<Source> add_source(const std::string& collection, const SourceSpec& spec);
  Result<std::vector<Source>> list_sources(const std::string& collection);  // "" = all collections
  Result<Source> get_source(int64_t id);
  Status remove_source(int64_t id);  // its documents stay (they become ad-hoc documents)
  Status record_sync_status(int64_t source_id, const SyncStatus& status);

  // Chunk vectors (kb/sqlite_vectors.cpp).
  // The collection's embedding model; nullopt when it has none yet.
  Result<std::optional<VectorSpace>> vector_space(const std::string& collection);
  // Sets (or changes) the collection's model. A different model makes every stored vector stale.
  Result<VectorSpace> set_vector_model(const std::string& collection, const std::string& model, int dimension);
  Result<VectorCounts> vector_counts(const std::string& collection);
  // Chunks without a vector from the current model, by ascending id after `after_chunk_id`.
  Result<std::vector<ChunkToEmbed>> chunks_to_embed(const std::string& collection, int64_t after_chunk_id, int limit);
  // Stores vectors of `model` for chunks (one transaction). Refused when the collection's model is
  // no longer `model` (changed meanwhile) or a dimension differs. Chunks deleted meanwhile are skipped.
  Status put_vectors(const std::string& collection, const std::string& model, const std::vector<int64_t>& chunk_ids,
                     const std::vector<std::vector<float>>& vectors);
  Result<StoredVectors> load_vectors(const std::string& collection);
  // Stored content hash of each of `ids` that exists (to skip embedding unchanged documents).
  Result<std::map<std::string, std::string>> content_hashes(const std::string& collection,
                                                            const std::vector<std::string>& ids);
  // Ids of the collection's chunks passing `filters`, ascending.
  Result<std::vector<int64_t>> filtered_chunk_ids(const std::string& collection, const SearchFilters& filters);

  // `PRAGMA integrity_check` result ("ok" when healthy).
  Result<std::string> integrity_check();
  int schema_version() const;
  const std::string& path() const { return path_; }

  // A reader connection for the duration of one call (returned to the pool on destruction).
  class Reader {
   public:
    Reader(SqliteStore* s, std::unique_ptr<Db> db) : store_(s), db_(std::move(db)) {}
    Reader(Reader&&) = default;
    ~Reader();
    Db& db() { return *db_; }

   private:
    SqliteStore* store_;
    std::unique_ptr<Db> db_;
  };
  Result<Reader> reader();

 private:
  explicit SqliteStore(std::string path) : path_(std::move(path)) {}
  Result<Collection> find_collection(Db& db, const std::string& name);
  Status delete_document_rows(Db& db, int64_t collection_id, int64_t doc_id);
  Result<std::optional<VectorSpace>> vector_space_in(Db& db, const Collection& c);
  Status bump_generation(Db& db, int64_t collection_id);

  std::string path_;
  std::mutex write_mu_;
  Db writer_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Db>> pool_;
};

// Table name of a collection's FTS5 index.
std::string fts_table(int64_t collection_id);

}  // namespace ls::kb
