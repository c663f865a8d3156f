// SqliteStore: chunk vectors and the collection's embedding model (schema version 2).
#include <algorithm>

#include "kb/search_sql.h"
#include "kb/sqlite_store.h"

namespace ls::kb {

std::string embedding_text(const std::string& title, const std::string& heading_path, const std::string& text) {
  std::string out = title;
  if (!heading_path.empty()) out += (out.empty() ? "" : "\n") + heading_path;
  if (!out.empty()) out += "\n";
  return out + text;
}

Result<std::optional<VectorSpace>> SqliteStore::vector_space_in(Db& db, const Collection& c) {
  LS_ASSIGN_OR_RETURN(Stmt st, db.prepare(
      "SELECT model, dimension, generation FROM collection_vectors WHERE collection_id = ?1"));
  st.bind(1, c.id);
  LS_ASSIGN_OR_RETURN(bool row, st.step());
  if (!row) return std::optional<VectorSpace>{};
  VectorSpace s;
  s.model = st.text(0);
  s.dimension = static_cast<int>(st.int64(1));
  s.generation = st.int64(2);
  s.encoding = c.config.vectors;
  return std::optional<VectorSpace>{s};
}

Status SqliteStore::bump_generation(Db& db, int64_t collection_id) {
  LS_ASSIGN_OR_RETURN(Stmt st, db.prepare(
      "UPDATE collection_vectors SET generation = generation + 1 WHERE collection_id = ?1"));
  st.bind(1, collection_id);
  return st.run();
}

Result<std::optional<VectorSpace>> SqliteStore::vector_space(const std::string& collection) {
  LS_ASSIGN_OR_RETURN(Reader r, reader());
  LS_ASSIGN_OR_RETURN(Collection c, find_collection(r.db(), collection));
  return vector_space_in(r.db(), c);
}

Result<VectorSpace> SqliteStore::set_vector_model(const std::string& collection, const std::string& model,
                                                  int dimension) {
  if (model.empty()) return Error::invalid("embedding model id must not be empty");
  if (dimension < 1 || dimension > 65536)
    return Error::invalid("embedding dimension must be in [1, 65536], got " + std::to_string(dimension));
  std::lock_guard<std::mutex> lk(write_mu_);
  LS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(writer_));
  LS_ASSIGN_OR_RETURN(Collection c, find_collection(writer_, collection));
  LS_ASSIGN_OR_RETURN(std::optional<VectorSpace> old, vector_space_in(writer_, c));
  if (old && old->model == model && old->dimension != dimension)
    return Error::invalid("embedding model '" + model + "' now reports dimension " + std::to_string(dimension) +
                          " but collection '" + collection + "' stored it with " + std::to_string(old->dimension));
  if (!old || old->model != model) {
    // The old vectors stay (stale: their model differs) until re-embedding replaces them.
    LS_ASSIGN_OR_RETURN(Stmt st, writer_.prepare(
        "INSERT INTO collection_vectors(collection_id, model, dimension, generation) VALUES(?1, ?2, ?3, 1) "
        "ON CONFLICT(collection_id) DO UPDATE SET model = ?2, dimension = ?3, generation = generation + 1"));
    st.bind(1, c.id).bind(2, model).bind(3, static_cast<int64_t>(dimension));
    LS_TRY(st.run());
  }
  LS_TRY(tx.commit());
  LS_ASSIGN_OR_RETURN(std::optional<VectorSpace> now, vector_space_in(writer_, c));
  return *now;
}

Result<VectorCounts> SqliteStore::vector_counts(const std::string& collection) {
  LS_ASSIGN_OR_RETURN(Reader r, reader());
  LS_ASSIGN_OR_RETURN(Collection c, find_collection(r.db(), collection));
  LS_ASSIGN_OR_RETURN(Stmt st, r.db().prepare(
      "SELECT count(*), count(v.chunk_id), coalesce(sum(v.model = (SELECT model FROM collection_vectors WHERE "
      "collection_id = ?1)), 0) FROM chunks ch JOIN documents d ON d.id = ch.document_id "
      "LEFT JOIN chunk_vectors v ON v.chunk_id = ch.id WHERE d.collection_id = ?1"));
  st.bind(1, c.id);
  LS_ASSIGN_OR_RETURN(bool row, st.step());
  VectorCounts n;
  if (row) {
    n.chunks = st.int64(0);
    const int64_t with = st.int64(1);
    n.current = st.int64(2);
    n.stale = with - n.current;
    n.missing = n.chunks - with;
  }
  return n;
}

Result<std::vector<ChunkToEmbed>> SqliteStore::chunks_to_embed(const std::string& collection, int64_t after_chunk_id,
                                                               int limit) {
  LS_ASSIGN_OR_RETURN(Reader r, reader());
  Db& db = r.db();
  LS_ASSIGN_OR_RETURN(Collection c, find_collection(db, collection));
  LS_ASSIGN_OR_RETURN(std::optional<VectorSpace> space, vector_space_in(db, c));
  std::vector<ChunkToEmbed> out;
  if (!space) return out;
  LS_ASSIGN_OR_RETURN(Stmt st, db.prepare(
      "SELECT ch.id, d.title, ch.heading_path, (SELECT text FROM " + fts_table(c.id) +
      " WHERE rowid = ch.id) FROM chunks ch JOIN documents d ON d.id = ch.document_id "
      "LEFT JOIN chunk_vectors v ON v.chunk_id = ch.id AND v.model = ?2 "
      "WHERE d.collection_id = ?1 AND v.chunk_id IS NULL AND ch.id > ?3 ORDER BY ch.id LIMIT ?4"));
  st.bind(1, c.id).bind(2, space->model).bind(3, after_chunk_id).bind(4, static_cast<int64_t>(std::max(limit, 1)));
  for (;;) {
    LS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    out.push_back({st.int64(0), embedding_text(st.text(1), st.text(2), st.text(3))});
  }
  return out;
}

Status SqliteStore::put_vectors(const std::string& collection, const std::string& model,
                                const std::vector<int64_t>& chunk_ids, const std::vector<std::vector<float>>& vectors) {
  if (chunk_ids.size() != vectors.size()) return Error::internal("put_vectors: ids and vectors differ in number");
  std::lock_guard<std::mutex> lk(write_mu_);
  LS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(writer_));
  LS_ASSIGN_OR_RETURN(Collection c, find_collection(writer_, collection));
  LS_ASSIGN_OR_RETURN(std::optional<VectorSpace> space, vector_space_in(writer_, c));
  if (!space || space->model != model)
    return Error::invalid("collection '" + collection + "' now uses embedding model " +
                          (space ? "'" + space->model + "'" : std::string("none")) + ", not '" + model + "'");
  LS_ASSIGN_OR_RETURN(Stmt put, writer_.prepare(
      "INSERT INTO chunk_vectors(chunk_id, model, vector) SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM chunks ch "
      "JOIN documents d ON d.id = ch.document_id WHERE ch.id = ?1 AND d.collection_id = ?4) "
      "ON CONFLICT(chunk_id) DO UPDATE SET model = ?2, vector = ?3"));
  std::string encoded;
  for (size_t i = 0; i < chunk_ids.size(); ++i) {
    if (static_cast<int>(vectors[i].size()) != space->dimension)
      return Error::invalid("a vector of " + std::to_string(vectors[i].size()) + " values for collection '" +
                            collection + "' of dimension " + std::to_string(space->dimension));
    encoded.clear();
    encode_vector(space->encoding, vectors[i], encoded);
    put.bind(1, chunk_ids[i]).bind(2, model).bind_blob(3, encoded).bind(4, c.id);
    LS_TRY(put.run());
  }
  LS_TRY(bump_generation(writer_, c.id));
  return tx.commit();
}

Result<StoredVectors> SqliteStore::load_vectors(const std::string& collection) {
  LS_ASSIGN_OR_RETURN(Reader r, reader());
  Db& db = r.db();
  // One read transaction: the generation and the vectors are of the same moment.
  LS_TRY(db.exec("BEGIN"));
  struct End {
    Db& db;
    ~End() { (void)db.exec("COMMIT"); }
  } end{db};
  LS_ASSIGN_OR_RETURN(Collection c, find_collection(db, collection));
  LS_ASSIGN_OR_RETURN(std::optional<VectorSpace> space, vector_space_in(db, c));
  StoredVectors out;
  if (!space) return out;
  out.space = *space;
  const size_t bytes = encoded_vector_bytes(space->encoding, space->dimension);
  LS_ASSIGN_OR_RETURN(Stmt st, db.prepare(
      "SELECT v.chunk_id, v.vector FROM chunk_vectors v JOIN chunks ch ON ch.id = v.chunk_id JOIN documents d ON "
      "d.id = ch.document_id WHERE d.collection_id = ?1 AND v.model = ?2 ORDER BY v.chunk_id"));
  st.bind(1, c.id).bind(2, space->model);
  for (;;) {
    LS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    std::string_view blob = st.blob_view(1);
    if (blob.size() != bytes)
      return Error::internal("chunk " + std::to_string(st.int64(0)) + ": stored vector of " +
                             std::to_string(blob.size()) + " bytes, expected " + std::to_string(bytes));
    out.chunk_ids.push_back(st.int64(0));
    out.data.append(blob);
  }
  return out;
}

Result<std::map<std::string, std::string>> SqliteStore::content_hashes(const std::string& collection,
                                                                       const std::vector<std::string>& ids) {
  LS_ASSIGN_OR_RETURN(Reader r, reader());
  LS_ASSIGN_OR_RETURN(Collection c, find_collection(r.db(), collection));
  LS_ASSIGN_OR_RETURN(Stmt st, r.db().prepare(
      "SELECT content_hash FROM documents WHERE collection_id = ?1 AND ext_id = ?2"));
  std::map<std::string, std::string> out;
  for (const auto& id : ids) {
    st.bind(1, c.id).bind(2, id);
    LS_ASSIGN_OR_RETURN(bool row, st.step());
    if (row) out[id] = st.text(0);
    st.reset();
  }
  return out;
}

Result<std::vector<int64_t>> SqliteStore::filtered_chunk_ids(const std::string& collection,
                                                            const SearchFilters& filters) {
  LS_ASSIGN_OR_RETURN(Reader r, reader());
  LS_ASSIGN_OR_RETURN(Collection c, find_collection(r.db(), collection));
  LS_ASSIGN_OR_RETURN(Stmt st, r.db().prepare(
      "SELECT ch.id FROM chunks ch JOIN documents d ON d.id = ch.document_id WHERE d.collection_id = ?1" +
      filter_sql(filters, 2).where + " ORDER BY ch.id"));
  st.bind(1, c.id);
  bind_filters(st, filters, 2);
  std::vector<int64_t> ids;
  for (;;) {
    LS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    ids.push_back(st.int64(0));
  }
  return ids;
}

}  // namespace ls::kb
