#include "kb/search_sql.h"

#include "kb/sqlite_store.h"

namespace ls::kb {

bool has_filters(const SearchFilters& f) {
  return !f.document_ids.empty() || !f.source_prefix.empty() || !f.metadata.empty();
}

FilterSql filter_sql(const SearchFilters& flt, int first) {
  FilterSql out;
  int next = first;
  if (!flt.document_ids.empty()) {
    out.where += " AND d.ext_id IN (";
    for (size_t i = 0; i < flt.document_ids.size(); ++i) out.where += (i ? ",?" : "?") + std::to_string(next++);
    out.where += ")";
  }
  if (!flt.source_prefix.empty()) {
    out.where += " AND substr(d.source, 1, length(?" + std::to_string(next) + ")) = ?" + std::to_string(next);
    ++next;
  }
  for (size_t i = 0; i < flt.metadata.size(); ++i) {
    out.where += " AND CAST(json_extract(d.metadata, ?" + std::to_string(next) + ") AS TEXT) = ?" +
                 std::to_string(next + 1);
    next += 2;
  }
  out.next_param = next;
  return out;
}

void bind_filters(Stmt& st, const SearchFilters& flt, int first) {
  int next = first;
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
}

Result<std::vector<SearchHit>> fetch_hits(Db& db, int64_t collection_id,
                                          const std::vector<std::pair<int64_t, double>>& scored, bool include_text,
                                          const std::string& retriever) {
  const std::string fts = fts_table(collection_id);
  std::string fetch = "SELECT d.ext_id, d.title, d.source, d.metadata, c.position, c.heading_path, c.start_offset, "
                      "c.end_offset, c.page, ";
  fetch += include_text ? "(SELECT text FROM " + fts + " WHERE rowid = c.id)" : std::string("''");
  fetch += " FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = ?1 AND d.collection_id = ?2";
  LS_ASSIGN_OR_RETURN(Stmt get, db.prepare(fetch));
  std::vector<SearchHit> hits;
  hits.reserve(scored.size());
  int rank = 0;
  for (const auto& [id, score] : scored) {
    ++rank;
    get.bind(1, id).bind(2, collection_id);
    LS_ASSIGN_OR_RETURN(bool row, get.step());
    if (row) {
      SearchHit h;
      h.chunk_id = id;
      h.score = score;
      h.document_id = get.text(0);
      h.title = get.text(1);
      h.source = get.text(2);
      h.metadata_json = get.text(3);
      h.position = static_cast<int>(get.int64(4));
      h.heading_path = get.text(5);
      h.start_offset = get.int64(6);
      h.end_offset = get.int64(7);
      h.page = static_cast<int>(get.int64(8));
      h.text = get.text(9);
      h.found_by.push_back({retriever, rank, score});
      hits.push_back(std::move(h));
    }
    get.reset();
  }
  return hits;
}

}  // namespace ls::kb
