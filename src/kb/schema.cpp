#include "kb/schema.h"

#include <string>

namespace ls::kb {
namespace {

// migrations[i] takes the schema from version i to i+1. Append only; never edit a shipped one.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE collections(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  config TEXT NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE sources(
  id INTEGER PRIMARY KEY,
  collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
  spec TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL);
CREATE TABLE documents(
  id INTEGER PRIMARY KEY,
  collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
  ext_id TEXT NOT NULL,
  source TEXT NOT NULL,
  title TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  source_id INTEGER REFERENCES sources(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE(collection_id, ext_id));
CREATE INDEX documents_by_source ON documents(source_id);
CREATE TABLE chunks(
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  heading_path TEXT NOT NULL,
  start_offset INTEGER NOT NULL,
  end_offset INTEGER NOT NULL,
  page INTEGER NOT NULL,
  token_count INTEGER NOT NULL);
CREATE INDEX chunks_by_document ON chunks(document_id, position);
)sql",
    // 2: chunk vectors. A collection's current embedding model and dimension live in
    // collection_vectors; a vector whose model differs is stale (kept until re-embedded, never
    // searched). `generation` grows with every change to the collection's chunks or vectors, so
    // in-memory and on-disk vector indexes know when they are out of date.
    R"sql(
CREATE TABLE collection_vectors(
  collection_id INTEGER PRIMARY KEY REFERENCES collections(id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  dimension INTEGER NOT NULL,
  generation INTEGER NOT NULL DEFAULT 0);
CREATE TABLE chunk_vectors(
  chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  vector BLOB NOT NULL);
)sql",
};

}  // namespace

Result<int> schema_version(Db& db) {
  LS_ASSIGN_OR_RETURN(Stmt st, db.prepare("PRAGMA user_version"));
  LS_ASSIGN_OR_RETURN(bool row, st.step());
  return row ? static_cast<int>(st.int64(0)) : 0;
}

Status migrate(Db& db) {
  constexpr int kCount = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));
  static_assert(kCount == kSchemaVersion);
  for (;;) {
    LS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(db));
    LS_ASSIGN_OR_RETURN(int v, schema_version(db));
    if (v > kSchemaVersion) {
      return Error::unsupported(db.path() + ": knowledge base schema version " + std::to_string(v) +
                                " is newer than this LocalSeek supports (" + std::to_string(kSchemaVersion) + ")");
    }
    if (v == kSchemaVersion) return tx.commit();
    LS_TRY(db.exec(kMigrations[v]));
    LS_TRY(db.exec("PRAGMA user_version=" + std::to_string(v + 1)));
    LS_TRY(tx.commit());
  }
}

}  // namespace ls::kb
