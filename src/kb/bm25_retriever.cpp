#include "kb/bm25_retriever.h"

#include "kb/top_k.h"

#include "kb/search_sql.h"

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
  const bool filtered = has_filters(flt);
  char score_expr[160];
  std::snprintf(score_expr, sizeof score_expr, rank, fts.c_str());
  std::string sql = "SELECT " + fts + ".rowid, " + score_expr + " FROM " + fts;
  if (filtered) sql += " JOIN chunks c ON c.id = " + fts + ".rowid JOIN documents d ON d.id = c.document_id";
  sql += " WHERE " + fts + " MATCH ?1" + filter_sql(flt, 2).where;
  LS_ASSIGN_OR_RETURN(Stmt st, db.prepare(sql));
  st.bind(1, build_match_expression(terms));
  bind_filters(st, flt, 2);
  TopK best(static_cast<size_t>(req.top_k));
  for (;;) {
    LS_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    best.offer(-st.real(1), st.int64(0));  // FTS5 bm25() is lower-is-better
  }
  // Pass 2: provenance (and text) of the kept chunks only.
  const auto scored = best.take();
  return fetch_hits(db, cid, scored, req.include_text, "bm25");
}

}  // namespace ls::kb
