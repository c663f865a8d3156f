// Registers, on one SQLite connection, what the FTS5 index needs from us:
//  - tokenizer "localseek" (arguments: cjk=unibi|bi|uni|icu stem=0|1 stop=0|1): kb::Analyzer on
//    documents. For queries (FTS5_TOKENIZE_QUERY) each quoted phrase is taken verbatim as one term:
//    the retriever analyses user text itself and only ever sends quoted, already-analysed terms, so
//    no user text reaches the FTS5 query parser (no syntax errors, no double stemming).
//  - auxiliary function ls_bm25(k1, b, collection_id): Okapi BM25 with configurable k1 and b
//    (FTS5's built-in bm25() fixes k1=1.2, b=0.75). All columns count as one field; idf is Lucene's
//    ln(1 + (N - df + 0.5) / (df + 0.5)). Returns minus the score so `ORDER BY rank` is best first.
//    Chunk lengths are cached per connection and collection (validated by PRAGMA data_version and
//    the index's row/token totals) instead of one %_docsize lookup per matching row.
#pragma once

#include "util/error.h"

struct sqlite3;

namespace ls::kb {

Status register_fts5_extension(sqlite3* db);

}  // namespace ls::kb
