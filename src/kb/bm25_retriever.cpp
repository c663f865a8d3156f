#include "kb/bm25_retriever.h"

#include <algorithm>
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
  std::snprintf(rank, sizeof rank, "ls_bm25(%s, %.6g, %.6g, %lld)", "%s", cfg.k1, cfg.b, static_cast<long long>(cid));
  const std::string fts = fts_table(cid);
  // Pass 1 scores every matching chunk (filters joined in) and keeps the best top_k here: FTS5's
  // own `ORDER BY rank` fully sorts all matches through a VDBE sorter, which cost more than the
  // scoring. Ties go to the lower chunk id (earlier ingested), so results are deterministic.
  // FTS5 resolves MATCH through the table's own name, so the table is not aliased.
  const auto& flt = req.filters;
  const bool filtered = !flt.document_ids.empty() || !flt.source_prefix.empty() || !flt.metadata.empty();
  char score_expr[160];
  std::snprintf(score_expr, sizeof score_expr, rank, fts.c_str());
  std::string sql = "SELECT " + fts + ".rowid, " + score_expr + " FROM " + fts;
  if (filtered) sql += " JOIN chunks c ON c.id = " + fts + ".rowid JOIN documents d ON d.id = c.document_id";
  sql += " WHERE " + fts + " MATCH ?1";
  int next = 2;
  if (!flt.document_ids.empty()) {
    sql += " AND d.ext_id IN (";
    for (size_t i = 0; i < flt.document_ids.size(); ++i) sql += (i ? ",?" : "?") + std::to_string(next++);
    sql += ")";
  }
  if (!flt.source_prefix.empty()) {
    sql += " AND substr(d.source, 1, length(?" + std::to_string(next) + ")) = ?" + std::to_string(next);
    ++next;
  }
  for (size_t i = 0; i < flt.metadata.size(); ++i) {
    sql += " AND CAST(json_extract(d.metadata, ?" + std::to_string(next) + ") AS TEXT) = ?" + std::to_string(next + 1);
    next += 2;
  }
  LS_ASSIGN_OR_RETURN(Stmt st, db.prepare(sql));
  st.bind(1, build_match_expression(terms));
  next = 2;
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
  // Min-heap of the best top_k (score, -rowid): the root is the weakest kept hit.
  using Scored = std::pair<double, int64_t>;  // (score, -rowid): larger is better
  std::vector<Scored> heap;
  const size_t k = static_cast<size_t>(req.top_k);
  heap.reserve(k + 1);
  auto weaker = [](const Scored& a, const Scored& b) { return a > b; };
  for (;;) {
    LS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    Scored s{-st.real(1), -st.int64(0)};
    if (heap.size() < k) {
      heap.push_back(s);
      std::push_heap(heap.begin(), heap.end(), weaker);
    } else if (s > heap.front()) {
      std::pop_heap(heap.begin(), heap.end(), weaker);
      heap.back() = s;
      std::push_heap(heap.begin(), heap.end(), weaker);
    }
  }
  std::sort(heap.begin(), heap.end(), [](const Scored& a, const Scored& b) { return a > b; });

  // Pass 2: provenance (and text) of the kept chunks only.
  std::string fetch = "SELECT d.ext_id, d.title, d.source, d.metadata, c.position, c.heading_path, c.start_offset, "
                      "c.end_offset, c.page, ";
  fetch += req.include_text ? "(SELECT text FROM " + fts + " WHERE rowid = c.id)" : std::string("''");
  fetch += " FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = ?1";
  LS_ASSIGN_OR_RETURN(Stmt get, db.prepare(fetch));
  hits.reserve(heap.size());
  for (const auto& [score, neg_id] : heap) {
    get.bind(1, -neg_id);
    LS_ASSIGN_OR_RETURN(bool row, get.step());
    if (row) {
      SearchHit h;
      h.chunk_id = -neg_id;
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
      hits.push_back(std::move(h));
    }
    get.reset();
  }
  return hits;
}

}  // namespace ls::kb
