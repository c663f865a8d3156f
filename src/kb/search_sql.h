// SQL pieces shared by the retrievers: the WHERE clause of SearchFilters, and the second pass that
// turns scored chunk ids into SearchHits with provenance (and text).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kb/sqlite_db.h"
#include "kb/types.h"

namespace ls::kb {

// " AND …" over documents aliased `d` (joined by the caller), parameters numbered from `first`.
struct FilterSql {
  std::string where;
  int next_param = 0;  // first parameter number after the filter's
};
bool has_filters(const SearchFilters& f);
FilterSql filter_sql(const SearchFilters& f, int first);
void bind_filters(Stmt& st, const SearchFilters& f, int first);

// Hits for (chunk id, score) pairs in the given order; ids no longer stored are skipped.
// `retriever` names the ranking in each hit's found_by (rank = position + 1).
Result<std::vector<SearchHit>> fetch_hits(Db& db, int64_t collection_id,
                                          const std::vector<std::pair<int64_t, double>>& scored, bool include_text,
                                          const std::string& retriever);

}  // namespace ls::kb
