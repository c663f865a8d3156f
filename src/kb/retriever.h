// Retrieval interface: ranked chunks for a query. The embedded default is Bm25Retriever (SQLite
// FTS5 with our analyzer and ranking); other engines implement the same call.
#pragma once

#include <vector>

#include "kb/types.h"

namespace ls::kb {

class Retriever {
 public:
  virtual ~Retriever() = default;
  // Any text is a valid query: text with no searchable term returns no hits, never an error.
  // Errors: unknown collection (kNotFound), top_k outside [1, 1000] (kInvalidInput).
  virtual Result<std::vector<SearchHit>> search(const SearchRequest& request) = 0;
};

}  // namespace ls::kb
