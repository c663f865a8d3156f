#include "rag/web_cache.h"

#include <sqlite3.h>

namespace ls::rag {
namespace {

struct Stmt {
  sqlite3_stmt* s = nullptr;
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s, nullptr); }
  ~Stmt() { sqlite3_finalize(s); }
  void text(int i, const std::string& v) { sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
};

}  // namespace

Result<std::unique_ptr<WebCache>> WebCache::open(const std::string& path) {
  std::unique_ptr<WebCache> c(new WebCache());
  if (sqlite3_open(path.c_str(), &c->db_) != SQLITE_OK)
    return Error::io(path + ": cannot open the web cache: " + sqlite3_errmsg(c->db_));
  sqlite3_busy_timeout(c->db_, 2000);
  char* err = nullptr;
  const char* schema =
      "PRAGMA journal_mode=WAL;"
      "CREATE TABLE IF NOT EXISTS web_cache(kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
      " expires_at INTEGER NOT NULL, PRIMARY KEY(kind, key));";
  if (sqlite3_exec(c->db_, schema, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string m = err != nullptr ? err : "unknown error";
    sqlite3_free(err);
    return Error::io(path + ": cannot create the web cache table: " + m);
  }
  return c;
}

WebCache::~WebCache() { sqlite3_close(db_); }

std::optional<std::string> WebCache::get(const std::string& kind, const std::string& key, int64_t now) {
  std::lock_guard lock(mu_);
  Stmt st(db_, "SELECT value FROM web_cache WHERE kind=?1 AND key=?2 AND expires_at>?3");
  if (st.s == nullptr) return std::nullopt;
  st.text(1, kind);
  st.text(2, key);
  sqlite3_bind_int64(st.s, 3, now);
  if (sqlite3_step(st.s) != SQLITE_ROW) return std::nullopt;
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st.s, 0));
  return std::string(p != nullptr ? p : "", static_cast<size_t>(sqlite3_column_bytes(st.s, 0)));
}

void WebCache::put(const std::string& kind, const std::string& key, const std::string& value, int64_t expires_at) {
  std::lock_guard lock(mu_);
  Stmt st(db_, "INSERT OR REPLACE INTO web_cache(kind, key, value, expires_at) VALUES(?1, ?2, ?3, ?4)");
  if (st.s == nullptr) return;
  st.text(1, kind);
  st.text(2, key);
  st.text(3, value);
  sqlite3_bind_int64(st.s, 4, expires_at);
  sqlite3_step(st.s);  // a cache that cannot write only costs a refetch later
}

int64_t WebCache::prune(int64_t now) {
  std::lock_guard lock(mu_);
  Stmt st(db_, "DELETE FROM web_cache WHERE expires_at<=?1");
  if (st.s == nullptr) return 0;
  sqlite3_bind_int64(st.s, 1, now);
  sqlite3_step(st.s);
  return sqlite3_changes(db_);
}

}  // namespace ls::rag
