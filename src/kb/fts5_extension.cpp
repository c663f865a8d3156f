#include "kb/fts5_extension.h"

#include <sqlite3.h>

#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kb/analyzer.h"

namespace ls::kb {
namespace {

fts5_api* get_fts5_api(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, nullptr) != SQLITE_OK) return nullptr;
  sqlite3_bind_pointer(st, 1, reinterpret_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(st);
  sqlite3_finalize(st);
  return api;
}

// ---- tokenizer ----------------------------------------------------------------------------------

struct TokenizerState {
  Analyzer analyzer;
};

int tok_create(void*, const char** argv, int argc, Fts5Tokenizer** out) {
  std::vector<std::string> args(argv, argv + argc);
  auto opts = AnalyzerOptions::parse(args);
  if (!opts.ok()) return SQLITE_ERROR;
  *out = reinterpret_cast<Fts5Tokenizer*>(new TokenizerState{Analyzer(*opts)});
  return SQLITE_OK;
}

void tok_delete(Fts5Tokenizer* t) { delete reinterpret_cast<TokenizerState*>(t); }

struct FtsSink : TermSink {
  void* ctx;
  int (*x_token)(void*, int, const char*, int, int, int);
  int rc = SQLITE_OK;
  bool term(std::string_view t, size_t s, size_t e) override {
    rc = x_token(ctx, 0, t.data(), static_cast<int>(t.size()), static_cast<int>(s), static_cast<int>(e));
    return rc == SQLITE_OK;
  }
};

int tok_tokenize(Fts5Tokenizer* t, void* ctx, int flags, const char* text, int n,
                 int (*x_token)(void*, int, const char*, int, int, int)) {
  if (n <= 0) return SQLITE_OK;
  if ((flags & FTS5_TOKENIZE_QUERY) != 0) return x_token(ctx, 0, text, n, 0, n);
  FtsSink sink;
  sink.ctx = ctx;
  sink.x_token = x_token;
  reinterpret_cast<TokenizerState*>(t)->analyzer.analyze(std::string_view(text, static_cast<size_t>(n)), sink);
  return sink.rc;
}

// ---- ranking ------------------------------------------------------------------------------------

// Chunk lengths (tokens over all columns) of one collection, read once from FTS5's %_docsize
// table: looking each up per matching row (what xColumnSize does) dominated query time.
struct DocLengths {
  int64_t data_version = -1, rows = -1, tokens = -1;
  int64_t base = 0;
  std::vector<int32_t> len;  // by rowid - base; -1 = unknown
};

// One per connection (the function's user data): collection id -> lengths.
struct ConnectionCache {
  std::map<int64_t, DocLengths> lengths;
};

int64_t read_varint(const unsigned char*& p, const unsigned char* end) {
  uint64_t v = 0;
  for (int i = 0; i < 9 && p < end; ++i) {
    unsigned char c = *p++;
    if (i == 8) return static_cast<int64_t>((v << 8) | c);
    v = (v << 7) | (c & 0x7f);
    if ((c & 0x80) == 0) break;
  }
  return static_cast<int64_t>(v);
}

int64_t pragma_int(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

const DocLengths* doc_lengths(sqlite3* db, ConnectionCache* cache, int64_t cid, int64_t rows, int64_t tokens) {
  if (cache == nullptr || cid <= 0) return nullptr;
  int64_t dv = pragma_int(db, "PRAGMA data_version");
  DocLengths& dl = cache->lengths[cid];
  if (dl.data_version == dv && dl.rows == rows && dl.tokens == tokens) return &dl;
  dl = DocLengths{};
  std::string sql = "SELECT id, sz FROM fts_" + std::to_string(cid) + "_docsize ORDER BY id";
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return nullptr;
  std::vector<std::pair<int64_t, int32_t>> rows_read;
  while (sqlite3_step(st) == SQLITE_ROW) {
    auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(st, 1));
    const unsigned char* end = p + sqlite3_column_bytes(st, 1);
    int64_t total = 0;
    while (p != nullptr && p < end) total += read_varint(p, end);
    rows_read.emplace_back(sqlite3_column_int64(st, 0), static_cast<int32_t>(total));
  }
  sqlite3_finalize(st);
  if (!rows_read.empty()) {
    dl.base = rows_read.front().first;
    int64_t span = rows_read.back().first - dl.base + 1;
    if (span > static_cast<int64_t>(rows_read.size()) * 8 + 1024) return nullptr;  // too sparse to cache
    dl.len.assign(static_cast<size_t>(span), -1);
    for (const auto& [id, n] : rows_read) dl.len[static_cast<size_t>(id - dl.base)] = n;
  }
  dl.data_version = dv;
  dl.rows = rows;
  dl.tokens = tokens;
  return &dl;
}

struct Bm25Stats {
  double k1 = 0.9, b = 0.4, avgdl = 1.0;
  const DocLengths* lengths = nullptr;  // may be null: then xColumnSize per row
  std::vector<double> idf;  // per query phrase
  std::vector<int> tf;      // scratch, per phrase
};

int count_row(const Fts5ExtensionApi*, Fts5Context*, void* user) {
  ++*static_cast<sqlite3_int64*>(user);
  return SQLITE_OK;
}

int load_stats(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int64_t cid, double k1, double b,
               Bm25Stats** out) {
  auto st = std::make_unique<Bm25Stats>();
  st->k1 = k1;
  st->b = b;
  sqlite3_int64 rows = 0, tokens = 0;
  int rc = api->xRowCount(fts, &rows);
  if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &tokens);
  if (rc != SQLITE_OK) return rc;
  st->avgdl = rows > 0 ? static_cast<double>(tokens) / static_cast<double>(rows) : 1.0;
  if (st->avgdl <= 0) st->avgdl = 1.0;
  st->lengths = doc_lengths(sqlite3_context_db_handle(ctx), static_cast<ConnectionCache*>(api->xUserData(fts)), cid,
                            rows, tokens);
  int nphrase = api->xPhraseCount(fts);
  st->idf.resize(static_cast<size_t>(nphrase));
  st->tf.resize(static_cast<size_t>(nphrase));
  for (int i = 0; i < nphrase; ++i) {
    sqlite3_int64 df = 0;
    rc = api->xQueryPhrase(fts, i, &df, count_row);
    if (rc != SQLITE_OK) return rc;
    double N = static_cast<double>(rows), d = static_cast<double>(df);
    st->idf[static_cast<size_t>(i)] = std::log(1.0 + (N - d + 0.5) / (d + 0.5));
  }
  Bm25Stats* raw = st.release();
  rc = api->xSetAuxdata(fts, raw, [](void* p) { delete static_cast<Bm25Stats*>(p); });
  if (rc != SQLITE_OK) return rc;
  *out = raw;
  return SQLITE_OK;
}

void ls_bm25(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int nval,
             sqlite3_value** vals) {
  auto* st = static_cast<Bm25Stats*>(api->xGetAuxdata(fts, 0));
  int rc = SQLITE_OK;
  if (st == nullptr) {
    double k1 = nval > 0 ? sqlite3_value_double(vals[0]) : 0.9;
    double b = nval > 1 ? sqlite3_value_double(vals[1]) : 0.5;
    int64_t cid = nval > 2 ? sqlite3_value_int64(vals[2]) : 0;
    rc = load_stats(api, fts, ctx, cid, k1, b, &st);
    if (rc != SQLITE_OK) {
      sqlite3_result_error_code(ctx, rc);
      return;
    }
  }
  for (size_t i = 0; rc == SQLITE_OK && i < st->tf.size(); ++i) {
    Fts5PhraseIter it;
    int col = 0, off = 0, n = 0;
    rc = api->xPhraseFirst(fts, static_cast<int>(i), &it, &col, &off);
    for (; rc == SQLITE_OK && col >= 0; api->xPhraseNext(fts, &it, &col, &off)) ++n;
    st->tf[i] = n;
  }
  int dl = -1;
  if (st->lengths != nullptr) {
    int64_t k = api->xRowid(fts) - st->lengths->base;
    if (k >= 0 && k < static_cast<int64_t>(st->lengths->len.size())) dl = st->lengths->len[static_cast<size_t>(k)];
  }
  if (rc == SQLITE_OK && dl < 0) rc = api->xColumnSize(fts, -1, &dl);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(ctx, rc);
    return;
  }
  double norm = st->k1 * (1.0 - st->b + st->b * static_cast<double>(dl) / st->avgdl);
  double score = 0;
  for (size_t i = 0; i < st->tf.size(); ++i) {
    double tf = st->tf[i];
    if (tf > 0) score += st->idf[i] * tf * (st->k1 + 1.0) / (tf + norm);
  }
  sqlite3_result_double(ctx, -score);
}

}  // namespace

Status register_fts5_extension(sqlite3* db) {
  fts5_api* api = get_fts5_api(db);
  if (api == nullptr) return Error::unsupported("this SQLite build has no FTS5");
  fts5_tokenizer tok{tok_create, tok_delete, tok_tokenize};
  if (api->xCreateTokenizer(api, "localseek", nullptr, &tok, nullptr) != SQLITE_OK)
    return Error::internal("cannot register the FTS5 tokenizer 'localseek'");
  auto* cache = new ConnectionCache;
  if (api->xCreateFunction(api, "ls_bm25", cache, ls_bm25,
                           [](void* p) { delete static_cast<ConnectionCache*>(p); }) != SQLITE_OK)
    return Error::internal("cannot register the FTS5 function 'ls_bm25'");
  return {};
}

}  // namespace ls::kb
