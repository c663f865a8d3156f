#include "kb/sqlite_store.h"

#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "kb/schema.h"
#include "util/strings.h"

namespace ls::kb {
namespace {

int64_t now_s() { return static_cast<int64_t>(std::time(nullptr)); }

Status validate_collection_name(const std::string& name) {
  if (name.empty() || name.size() > 64)
    return Error::invalid("collection name must be 1-64 characters, got '" + name + "'");
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '.';
    if (!ok) return Error::invalid("collection name '" + name + "' may only use letters, digits, '_', '-', '.'");
  }
  return {};
}

std::string fts_create_sql(int64_t id, const AnalyzerOptions& a) {
  std::string tok = "localseek";
  for (const auto& arg : a.to_args()) tok += " '" + arg + "'";
  return "CREATE VIRTUAL TABLE " + fts_table(id) + " USING fts5(title, heading, text, tokenize=\"" + tok + "\")";
}

nlohmann::json spec_to_json(const SourceSpec& s) {
  return {{"uri", s.uri}, {"include", s.include}, {"exclude", s.exclude}, {"schedule", s.schedule}};
}

SourceSpec spec_from_json(const nlohmann::json& j) {
  SourceSpec s;
  s.uri = j.value("uri", "");
  s.include = j.value("include", std::vector<std::string>{});
  s.exclude = j.value("exclude", std::vector<std::string>{});
  s.schedule = j.value("schedule", "");
  return s;
}

nlohmann::json status_to_json(const SyncStatus& s) {
  return {{"last_run_at", s.last_run_at}, {"duration_s", s.duration_s}, {"state", s.state},
          {"added", s.added},             {"changed", s.changed},       {"removed", s.removed},
          {"unchanged", s.unchanged},     {"failed", s.failed},         {"errors", s.errors}};
}

SyncStatus status_from_json(const nlohmann::json& j) {
  SyncStatus s;
  s.last_run_at = j.value("last_run_at", int64_t{0});
  s.duration_s = j.value("duration_s", 0.0);
  s.state = j.value("state", std::string("never"));
  s.added = j.value("added", int64_t{0});
  s.changed = j.value("changed", int64_t{0});
  s.removed = j.value("removed", int64_t{0});
  s.unchanged = j.value("unchanged", int64_t{0});
  s.failed = j.value("failed", int64_t{0});
  s.errors = j.value("errors", std::vector<std::string>{});
  return s;
}

Result<Source> source_from_row(Stmt& st) {
  Source s;
  s.id = st.int64(0);
  s.collection = st.text(1);
  auto spec = nlohmann::json::parse(st.text_view(2), nullptr, false);
  auto status = nlohmann::json::parse(st.text_view(3), nullptr, false);
  if (spec.is_discarded() || status.is_discarded())
    return Error::internal("source " + std::to_string(s.id) + ": stored JSON is corrupt");
  try {
    s.spec = spec_from_json(spec);
    s.status = status_from_json(status);
  } catch (const nlohmann::json::exception& e) {
    return Error::internal("source " + std::to_string(s.id) + ": " + e.what());
  }
  s.created_at = st.int64(4);
  return s;
}

constexpr const char* kSourceSelect =
    "SELECT s.id, c.name, s.spec, s.status, s.created_at FROM sources s JOIN collections c ON c.id = s.collection_id";

DocumentInfo doc_from_row(Stmt& st) {
  // columns: ext_id, source, title, content_hash, metadata, source_id, created_at, updated_at, chunk_count
  DocumentInfo d;
  d.id = st.text(0);
  d.source = st.text(1);
  d.title = st.text(2);
  d.content_hash = st.text(3);
  d.metadata_json = st.text(4);
  if (!st.is_null(5)) d.source_id = st.int64(5);
  d.created_at = st.int64(6);
  d.updated_at = st.int64(7);
  d.chunk_count = st.int64(8);
  return d;
}

constexpr const char* kDocColumns =
    "d.ext_id, d.source, d.title, d.content_hash, d.metadata, d.source_id, d.created_at, d.updated_at, "
    "(SELECT count(*) FROM chunks c WHERE c.document_id = d.id)";

}  // namespace

std::string fts_table(int64_t collection_id) { return "fts_" + std::to_string(collection_id); }

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error::io(dir + ": cannot create data directory: " + ec.message());
  std::unique_ptr<SqliteStore> s(new SqliteStore(dir + "/kb.sqlite3"));
  LS_ASSIGN_OR_RETURN(s->writer_, Db::open(s->path_));
  LS_TRY(migrate(s->writer_));
  return s;
}

SqliteStore::Reader::~Reader() {
  if (db_ && store_ != nullptr) {
    std::lock_guard<std::mutex> lk(store_->pool_mu_);
    store_->pool_.push_back(std::move(db_));
  }
}

Result<SqliteStore::Reader> SqliteStore::reader() {
  {
    std::lock_guard<std::mutex> lk(pool_mu_);
    if (!pool_.empty()) {
      auto db = std::move(pool_.back());
      pool_.pop_back();
      return Reader(this, std::move(db));
    }
  }
  LS_ASSIGN_OR_RETURN(Db db, Db::open(path_));
  return Reader(this, std::make_unique<Db>(std::move(db)));
}

int SqliteStore::schema_version() const { return kSchemaVersion; }

Result<Collection> SqliteStore::find_collection(Db& db, const std::string& name) {
  LS_ASSIGN_OR_RETURN(Stmt st, db.prepare("SELECT id, name, config, created_at FROM collections WHERE name = ?1"));
  st.bind(1, name);
  LS_ASSIGN_OR_RETURN(bool row, st.step());
  if (!row) return Error::not_found("collection '" + name + "' does not exist");
  Collection c;
  c.id = st.int64(0);
  c.name = st.text(1);
  auto cfg = CollectionConfig::from_json(st.text(2));
  if (!cfg.ok()) return cfg.error().with_context("collection '" + name + "'");
  c.config = *cfg;
  c.created_at = st.int64(3);
  return c;
}

Result<Collection> SqliteStore::create_collection(const std::string& name, const CollectionConfig& config) {
  LS_TRY(validate_collection_name(name));
  LS_TRY(config.validate());
  std::lock_guard<std::mutex> lk(write_mu_);
  LS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(writer_));
  {
    LS_ASSIGN_OR_RETURN(Stmt st, writer_.prepare("SELECT 1 FROM collections WHERE name = ?1"));
    st.bind(1, name);
    LS_ASSIGN_OR_RETURN(bool exists, st.step());
    if (exists) return Error::invalid("collection '" + name + "' already exists");
  }
  LS_ASSIGN_OR_RETURN(Stmt ins, writer_.prepare("INSERT INTO collections(name, config, created_at) VALUES(?1, ?2, ?3)"));
  ins.bind(1, name).bind(2, config.to_json()).bind(3, now_s());
  LS_TRY(ins.run());
  int64_t id = writer_.last_insert_rowid();
  LS_TRY(writer_.exec(fts_create_sql(id, config.analyzer)));
  LS_TRY(tx.commit());
  return find_collection(writer_, name);
}

Result<Collection> SqliteStore::get_collection(const std::string& name) {
  LS_ASSIGN_OR_RETURN(Reader r, reader());
  return find_collection(r.db(), name);
}

Result<std::vector<Collection>> SqliteStore::list_collections() {
  LS_ASSIGN_OR_RETURN(Reader r, reader());
  LS_ASSIGN_OR_RETURN(Stmt st, r.db().prepare("SELECT name FROM collections ORDER BY name"));
  std::vector<std::string> names;
  for (;;) {
    LS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    names.push_back(st.text(0));
  }
  std::vector<Collection> out;
  for (const auto& n : names) {
    LS_ASSIGN_OR_RETURN(Collection c, find_collection(r.db(), n));
    out.push_back(std::move(c));
  }
  return out;
}

Status SqliteStore::delete_collection(const std::string& name) {
  std::lock_guard<std::mutex> lk(write_mu_);
  LS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(writer_));
  LS_ASSIGN_OR_RETURN(Collection c, find_collection(writer_, name));
  LS_TRY(writer_.exec("DROP TABLE IF EXISTS " + fts_table(c.id)));
  LS_ASSIGN_OR_RETURN(Stmt st, writer_.prepare("DELETE FROM collections WHERE id = ?1"));
  st.bind(1, c.id);
  LS_TRY(st.run());
  return tx.commit();
}

Status SqliteStore::delete_document_rows(Db& db, int64_t collection_id, int64_t doc_id) {
  LS_ASSIGN_OR_RETURN(Stmt del_fts, db.prepare("DELETE FROM " + fts_table(collection_id) +
                                               " WHERE rowid IN (SELECT id FROM chunks WHERE document_id = ?1)"));
  del_fts.bind(1, doc_id);
  LS_TRY(del_fts.run());
  LS_ASSIGN_OR_RETURN(Stmt del_chunks, db.prepare("DELETE FROM chunks WHERE document_id = ?1"));
  del_chunks.bind(1, doc_id);
  return del_chunks.run();
}

Result<std::vector<UpsertOutcome>> SqliteStore::upsert_documents(const std::string& collection,
                                                                 const std::vector<DocumentInput>& docs) {
  std::lock_guard<std::mutex> lk(write_mu_);
  LS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(writer_));
  LS_ASSIGN_OR_RETURN(Collection c, find_collection(writer_, collection));
  LS_ASSIGN_OR_RETURN(Stmt find, writer_.prepare(
      "SELECT id, content_hash, source_id FROM documents WHERE collection_id = ?1 AND ext_id = ?2"));
  LS_ASSIGN_OR_RETURN(Stmt ins_doc, writer_.prepare(
      "INSERT INTO documents(collection_id, ext_id, source, title, content_hash, metadata, source_id, created_at, "
      "updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)"));
  LS_ASSIGN_OR_RETURN(Stmt upd_doc, writer_.prepare(
      "UPDATE documents SET source = ?2, title = ?3, content_hash = ?4, metadata = ?5, source_id = ?6, "
      "updated_at = ?7 WHERE id = ?1"));
  LS_ASSIGN_OR_RETURN(Stmt set_source, writer_.prepare("UPDATE documents SET source_id = ?2 WHERE id = ?1"));
  LS_ASSIGN_OR_RETURN(Stmt ins_chunk, writer_.prepare(
      "INSERT INTO chunks(document_id, position, heading_path, start_offset, end_offset, page, token_count) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  LS_ASSIGN_OR_RETURN(Stmt ins_fts, writer_.prepare("INSERT INTO " + fts_table(c.id) +
                                                    "(rowid, title, heading, text) VALUES(?1, ?2, ?3, ?4)"));
  LS_ASSIGN_OR_RETURN(Stmt ins_vec, writer_.prepare("INSERT INTO chunk_vectors(chunk_id, model, vector) VALUES(?1, ?2, ?3)"));
  LS_ASSIGN_OR_RETURN(std::optional<VectorSpace> space, vector_space_in(writer_, c));
  bool touched = false;
  std::string encoded;
  std::vector<UpsertOutcome> out;
  out.reserve(docs.size());
  int64_t t = now_s();
  for (const auto& d : docs) {
    if (d.id.empty()) return Error::invalid("document id must not be empty (source '" + d.source + "')");
    if (d.metadata_json.empty() || nlohmann::json::parse(d.metadata_json, nullptr, false).is_discarded())
      return Error::invalid("document '" + d.id + "': metadata is not valid JSON");
    const bool with_vectors = !d.embedding_model.empty();
    if (with_vectors) {
      if (!space || space->model != d.embedding_model)
        return Error::invalid("document '" + d.id + "': chunk vectors from embedding model '" + d.embedding_model +
                              "' but collection '" + collection + "' uses " +
                              (space ? "'" + space->model + "'" : std::string("no embedding model")));
      for (const auto& ch : d.chunks)
        if (static_cast<int>(ch.embedding.size()) != space->dimension)
          return Error::invalid("document '" + d.id + "': a chunk vector has " + std::to_string(ch.embedding.size()) +
                                " values, collection '" + collection + "' has dimension " +
                                std::to_string(space->dimension));
    }
    find.bind(1, c.id).bind(2, d.id);
    LS_ASSIGN_OR_RETURN(bool exists, find.step());
    int64_t doc_id = 0;
    if (exists) {
      doc_id = find.int64(0);
      bool same = find.text_view(1) == d.content_hash;
      std::optional<int64_t> old_source;
      if (!find.is_null(2)) old_source = find.int64(2);
      find.reset();
      if (same) {
        if (old_source != d.source_id) {
          set_source.bind(1, doc_id).bind(2, d.source_id);
          LS_TRY(set_source.run());
        }
        out.push_back(UpsertOutcome::kUnchanged);
        continue;
      }
      LS_TRY(delete_document_rows(writer_, c.id, doc_id));
      upd_doc.bind(1, doc_id).bind(2, d.source).bind(3, d.title).bind(4, d.content_hash).bind(5, d.metadata_json);
      upd_doc.bind(6, d.source_id).bind(7, t);
      LS_TRY(upd_doc.run());
      out.push_back(UpsertOutcome::kChanged);
    } else {
      find.reset();
      ins_doc.bind(1, c.id).bind(2, d.id).bind(3, d.source).bind(4, d.title).bind(5, d.content_hash);
      ins_doc.bind(6, d.metadata_json).bind(7, d.source_id).bind(8, t);
      LS_TRY(ins_doc.run());
      doc_id = writer_.last_insert_rowid();
      out.push_back(UpsertOutcome::kAdded);
    }
    for (size_t i = 0; i < d.chunks.size(); ++i) {
      const ChunkInput& ch = d.chunks[i];
      ins_chunk.bind(1, doc_id).bind(2, static_cast<int64_t>(i)).bind(3, ch.heading_path);
      ins_chunk.bind(4, ch.start_offset).bind(5, ch.end_offset).bind(6, static_cast<int64_t>(ch.page));
      ins_chunk.bind(7, static_cast<int64_t>(ch.token_count));
      LS_TRY(ins_chunk.run());
      int64_t chunk_id = writer_.last_insert_rowid();
      ins_fts.bind(1, chunk_id).bind(2, d.title).bind(3, ch.heading_path).bind(4, ch.text);
      LS_TRY(ins_fts.run());
      if (with_vectors) {
        encoded.clear();
        encode_vector(space->encoding, ch.embedding, encoded);
        ins_vec.bind(1, chunk_id).bind(2, space->model).bind_blob(3, encoded);
        LS_TRY(ins_vec.run());
      }
    }
    touched = true;
  }
  if (touched) LS_TRY(bump_generation(writer_, c.id));
  LS_TRY(tx.commit());
  return out;
}

Result<Document> SqliteStore::get_document(const std::string& collection, const std::string& id, bool with_chunks) {
  LS_ASSIGN_OR_RETURN(Reader r, reader());
  Db& db = r.db();
  LS_ASSIGN_OR_RETURN(Collection c, find_collection(db, collection));
  LS_ASSIGN_OR_RETURN(Stmt st, db.prepare(std::string("SELECT ") + kDocColumns +
                                          ", d.id FROM documents d WHERE d.collection_id = ?1 AND d.ext_id = ?2"));
  st.bind(1, c.id).bind(2, id);
  LS_ASSIGN_OR_RETURN(bool row, st.step());
  if (!row) return Error::not_found("document '" + id + "' not found in collection '" + collection + "'");
  Document doc;
  doc.info = doc_from_row(st);
  int64_t doc_id = st.int64(9);
  if (with_chunks) {
    LS_ASSIGN_OR_RETURN(Stmt cs, db.prepare(
        "SELECT c.id, c.position, f.text, c.heading_path, c.start_offset, c.end_offset, c.page FROM chunks c "
        "JOIN " + fts_table(c.id) + " f ON f.rowid = c.id WHERE c.document_id = ?1 ORDER BY c.position"));
    cs.bind(1, doc_id);
    for (;;) {
      LS_ASSIGN_OR_RETURN(bool more, cs.step());
      if (!more) break;
      ChunkInfo ch;
      ch.id = cs.int64(0);
      ch.position = static_cast<int>(cs.int64(1));
      ch.text = cs.text(2);
      ch.heading_path = cs.text(3);
      ch.start_offset = cs.int64(4);
      ch.end_offset = cs.int64(5);
      ch.page = static_cast<int>(cs.int64(6));
      doc.chunks.push_back(std::move(ch));
    }
  }
  return doc;
}

Result<DocumentPage> SqliteStore::list_documents(const std::string& collection, int64_t offset, int64_t limit) {
  if (offset < 0) return Error::invalid("offset must be >= 0");
  if (limit < 1 || limit > 1000) return Error::invalid("limit must be in [1, 1000], got " + std::to_string(limit));
  LS_ASSIGN_OR_RETURN(Reader r, reader());
  Db& db = r.db();
  LS_ASSIGN_OR_RETURN(Collection c, find_collection(db, collection));
  DocumentPage page;
  page.offset = offset;
  LS_ASSIGN_OR_RETURN(Stmt cnt, db.prepare("SELECT count(*) FROM documents WHERE collection_id = ?1"));
  cnt.bind(1, c.id);
  LS_ASSIGN_OR_RETURN(bool crow, cnt.step());
  page.total = crow ? cnt.int64(0) : 0;
  LS_ASSIGN_OR_RETURN(Stmt st, db.prepare(std::string("SELECT ") + kDocColumns +
                                          " FROM documents d WHERE d.collection_id = ?1 ORDER BY d.ext_id "
                                          "LIMIT ?2 OFFSET ?3"));
  st.bind(1, c.id).bind(2, limit).bind(3, offset);
  for (;;) {
    LS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    page.items.push_back(doc_from_row(st));
  }
  return page;
}

Status SqliteStore::delete_document(const std::string& collection, const std::string& id) {
  std::lock_guard<std::mutex> lk(write_mu_);
  LS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(writer_));
  LS_ASSIGN_OR_RETURN(Collection c, find_collection(writer_, collection));
  LS_ASSIGN_OR_RETURN(Stmt find, writer_.prepare("SELECT id FROM documents WHERE collection_id = ?1 AND ext_id = ?2"));
  find.bind(1, c.id).bind(2, id);
  LS_ASSIGN_OR_RETURN(bool row, find.step());
  if (!row) return Error::not_found("document '" + id + "' not found in collection '" + collection + "'");
  int64_t doc_id = find.int64(0);
  find.reset();
  LS_TRY(delete_document_rows(writer_, c.id, doc_id));
  LS_ASSIGN_OR_RETURN(Stmt del, writer_.prepare("DELETE FROM documents WHERE id = ?1"));
  del.bind(1, doc_id);
  LS_TRY(del.run());
  LS_TRY(bump_generation(writer_, c.id));
  return tx.commit();
}

Result<std::vector<std::pair<std::string, std::string>>> SqliteStore::source_documents(const std::string& collection,
                                                                                      int64_t source_id) {
  LS_ASSIGN_OR_RETURN(Reader r, reader());
  LS_ASSIGN_OR_RETURN(Collection c, find_collection(r.db(), collection));
  LS_ASSIGN_OR_RETURN(Stmt st, r.db().prepare(
      "SELECT ext_id, content_hash FROM documents WHERE collection_id = ?1 AND source_id = ?2 ORDER BY ext_id"));
  st.bind(1, c.id).bind(2, source_id);
  std::vector<std::pair<std::string, std::string>> out;
  for (;;) {
    LS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    out.emplace_back(st.text(0), st.text(1));
  }
  return out;
}

Result<CollectionStats> SqliteStore::stats(const std::string& collection) {
  LS_ASSIGN_OR_RETURN(Reader r, reader());
  Db& db = r.db();
  LS_ASSIGN_OR_RETURN(Collection c, find_collection(db, collection));
  LS_ASSIGN_OR_RETURN(Stmt st, db.prepare(
      "SELECT (SELECT count(*) FROM documents WHERE collection_id = ?1), "
      "(SELECT count(*) FROM chunks ch JOIN documents d ON d.id = ch.document_id WHERE d.collection_id = ?1), "
      "(SELECT coalesce(sum(ch.end_offset - ch.start_offset), 0) FROM chunks ch JOIN documents d ON "
      "d.id = ch.document_id WHERE d.collection_id = ?1), "
      "(SELECT count(*) FROM sources WHERE collection_id = ?1)"));
  st.bind(1, c.id);
  LS_ASSIGN_OR_RETURN(bool row, st.step());
  CollectionStats s;
  if (row) {
    s.documents = st.int64(0);
    s.chunks = st.int64(1);
    s.text_bytes = st.int64(2);
    s.sources = st.int64(3);
  }
  return s;
}

Result<Source> SqliteStore::add_source(const std::string& collection, const SourceSpec& spec) {
  if (spec.uri.empty()) return Error::invalid("source URI must not be empty");
  std::lock_guard<std::mutex> lk(write_mu_);
  LS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(writer_));
  LS_ASSIGN_OR_RETURN(Collection c, find_collection(writer_, collection));
  LS_ASSIGN_OR_RETURN(Stmt st, writer_.prepare(
      "INSERT INTO sources(collection_id, spec, status, created_at) VALUES(?1, ?2, ?3, ?4)"));
  st.bind(1, c.id).bind(2, spec_to_json(spec).dump()).bind(3, status_to_json(SyncStatus{}).dump()).bind(4, now_s());
  LS_TRY(st.run());
  int64_t id = writer_.last_insert_rowid();
  LS_TRY(tx.commit());
  return get_source(id);
}

Result<std::vector<Source>> SqliteStore::list_sources(const std::string& collection) {
  LS_ASSIGN_OR_RETURN(Reader r, reader());
  std::string sql = std::string(kSourceSelect) + (collection.empty() ? "" : " WHERE c.name = ?1") + " ORDER BY s.id";
  LS_ASSIGN_OR_RETURN(Stmt st, r.db().prepare(sql));
  if (!collection.empty()) {
    LS_TRY(find_collection(r.db(), collection));
    st.bind(1, collection);
  }
  std::vector<Source> out;
  for (;;) {
    LS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    LS_ASSIGN_OR_RETURN(Source s, source_from_row(st));
    out.push_back(std::move(s));
  }
  return out;
}

Result<Source> SqliteStore::get_source(int64_t id) {
  LS_ASSIGN_OR_RETURN(Reader r, reader());
  LS_ASSIGN_OR_RETURN(Stmt st, r.db().prepare(std::string(kSourceSelect) + " WHERE s.id = ?1"));
  st.bind(1, id);
  LS_ASSIGN_OR_RETURN(bool row, st.step());
  if (!row) return Error::not_found("source " + std::to_string(id) + " does not exist");
  return source_from_row(st);
}

Status SqliteStore::remove_source(int64_t id) {
  std::lock_guard<std::mutex> lk(write_mu_);
  LS_ASSIGN_OR_RETURN(Stmt st, writer_.prepare("DELETE FROM sources WHERE id = ?1"));
  st.bind(1, id);
  LS_TRY(st.run());
  if (writer_.changes() == 0) return Error::not_found("source " + std::to_string(id) + " does not exist");
  return {};
}

Status SqliteStore::record_sync_status(int64_t source_id, const SyncStatus& status) {
  std::lock_guard<std::mutex> lk(write_mu_);
  LS_ASSIGN_OR_RETURN(Stmt st, writer_.prepare("UPDATE sources SET status = ?2 WHERE id = ?1"));
  st.bind(1, source_id).bind(2, status_to_json(status).dump());
  return st.run();
}

Result<std::string> SqliteStore::integrity_check() {
  LS_ASSIGN_OR_RETURN(Reader r, reader());
  LS_ASSIGN_OR_RETURN(Stmt st, r.db().prepare("PRAGMA integrity_check"));
  std::string out;
  for (;;) {
    LS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    if (!out.empty()) out += "\n";
    out += st.text(0);
  }
  return out;
}

}  // namespace ls::kb
