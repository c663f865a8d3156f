// The embedded Retriever: BM25 over a collection's FTS5 index in a SqliteStore.
// The query is analysed with the collection's analyzer; each term becomes one quoted FTS5 phrase,
// OR-ed together (a term repeated in the query counts once per occurrence), ranked by ls_bm25 with
// the collection's k1 and b. See kb/fts5_extension.h.
#pragma once

#include <string>
#include <vector>

#include "kb/retriever.h"
#include "kb/sqlite_store.h"

namespace ls::kb {

class Bm25Retriever : public Retriever {
 public:
  static constexpr int kMaxTopK = 1000;
  static constexpr size_t kMaxQueryTerms = 256;  // longer queries keep their first 256 terms

  explicit Bm25Retriever(SqliteStore& store) : store_(store) {}
  Result<std::vector<SearchHit>> search(const SearchRequest& request) override;

 private:
  SqliteStore& store_;
};

// The FTS5 MATCH expression for already-analysed terms: "t1" OR "t2" … (quotes doubled inside).
std::string build_match_expression(const std::vector<std::string>& terms);

}  // namespace ls::kb
