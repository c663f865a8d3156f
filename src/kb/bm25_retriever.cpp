#include "kb/bm25_retriever.h"

#include <cstdio>

namespace ls::kb {

std::string build_match_expression(const std::vector<std::string>& terms) {
  std::string out;
  for (const auto& t : terms) {
    if (!out.empty()) out += " OR ";
    out += '"';
    for (char c : t) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  return out;
}

Result<std::vector<SearchHit>> Bm25Retriever::search(const SearchRequest& req) {
  if (req.top_k < 1 || req.top_k > kMaxTopK)
    return Error::invalid("top_k must be in [1, " + std::to_string(kMaxTopK) + "], got " + std::to_string(req.top_k));
  LS_ASSIGN_OR_RETURN(auto reader, store_.reader());
  Db& db = reader.db();
  // Collection lookup through the reader keeps the whole search on one connection.
  LS_ASSIGN_OR_RETURN(Stmt cs, db.prepare("SELECT id, config FROM collections WHERE name = ?1"));
  cs.bind(1, req.collection);
  LS_ASSIGN_OR_RETURN(bool found, cs.step());
  if (!found) return Error::not_found("collection '" + req.collection + "' does not exist");
  int64_t cid = cs.int64(0);
  LS_ASSIGN_OR_RETURN(CollectionConfig cfg, CollectionConfig::from_json(cs.text(1)));

  std::vector<std::string> terms = drop_question_terms(Analyzer(cfg.analyzer).terms(req.query));
  if (terms.size() > kMaxQueryTerms) terms.resize(kMaxQueryTerms);
  std::vector<SearchHit> hits;
  if (terms.empty()) return hits;

  char rank[96];
  std::snprintf(rank, sizeof rank, "ls_bm25(%.6g, %.6g, %lld)", cfg.k1, cfg.b, static_cast<long long>(cid));
  const std::string fts = fts_table(cid);
  // The ranked chunk ids come from FTS5 alone (it sorts by rank itself); documents and chunk
  // metadata are joined for the top rows only. Filters need the join inside, before the LIMIT.
  // FTS5 resolves MATCH through the table's own name, so the table is not aliased.
  const auto& flt = req.filters;
  const bool filtered = !flt.document_ids.empty() || !flt.source_prefix.empty() || !flt.metadata.empty();
  std::string inner = "SELECT " + fts + ".rowid AS id, " + fts + ".rank AS rank FROM " + fts;
  if (filtered) inner += " JOIN chunks c ON c.id = " + fts + ".rowid JOIN documents d ON d.id = c.document_id";
  inner += " WHERE " + fts + " MATCH ?1 AND " + fts + ".rank MATCH ?2";
  int next = 4;
  if (!flt.document_ids.empty()) {
    inner += " AND d.ext_id IN (";
    for (size_t i = 0; i < flt.document_ids.size(); ++i) inner += (i ? ",?" : "?") + std::to_string(next++);
    inner += ")";
  }
  if (!flt.source_prefix.empty()) {
    inner += " AND substr(d.source, 1, length(?" + std::to_string(next) + ")) = ?" + std::to_string(next);
    ++next;
  }
  for (size_t i = 0; i < flt.metadata.size(); ++i) {
    inner += " AND CAST(json_extract(d.metadata, ?" + std::to_string(next) + ") AS TEXT) = ?" + std::to_string(next + 1);
    next += 2;
  }
  inner += " ORDER BY " + fts + ".rank LIMIT ?3";
  std::string sql = "SELECT top.id, top.rank, d.ext_id, d.title, d.source, d.metadata, c.position, c.heading_path, "
                    "c.start_offset, c.end_offset, c.page, ";
  sql += req.include_text ? "(SELECT text FROM " + fts + " WHERE rowid = top.id)" : std::string("''");
  sql += " FROM (" + inner + ") top JOIN chunks c ON c.id = top.id JOIN documents d ON d.id = c.document_id "
         "ORDER BY top.rank";
  LS_ASSIGN_OR_RETURN(Stmt st, db.prepare(sql));
  st.bind(1, build_match_expression(terms)).bind(2, std::string_view(rank)).bind(3, static_cast<int64_t>(req.top_k));
  next = 4;
  for (const auto& id : flt.document_ids) st.bind(next++, id);
  if (!flt.source_prefix.empty()) st.bind(next++, flt.source_prefix);
  for (const auto& [k, v] : flt.metadata) {
    std::string path = "$.\"";
    for (char c : k) {
      if (c == '"' || c == '\\') path += '\\';
      path += c;
    }
    path += '"';
    st.bind(next++, path);
    st.bind(next++, v);
  }
  for (;;) {
    LS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    SearchHit h;
    h.chunk_id = st.int64(0);
    h.score = -st.real(1);
    h.document_id = st.text(2);
    h.title = st.text(3);
    h.source = st.text(4);
    h.metadata_json = st.text(5);
    h.position = static_cast<int>(st.int64(6));
    h.heading_path = st.text(7);
    h.start_offset = st.int64(8);
    h.end_offset = st.int64(9);
    h.page = static_cast<int>(st.int64(10));
    h.text = st.text(11);
    hits.push_back(std::move(h));
  }
  return hits;
}

}  // namespace ls::kb
