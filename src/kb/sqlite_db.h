// Thin RAII wrappers over the sqlite3 C API: a connection (Db) and a prepared statement (Stmt).
// Every failure becomes an ls::Error naming the statement or the database file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ls::kb {

class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3_stmt* s, sqlite3* db) : s_(s), db_(db) {}
  Stmt(Stmt&& o) noexcept : s_(o.s_), db_(o.db_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Binding is 1-based like sqlite3_bind_*. Returns *this so calls chain.
  Stmt& bind(int i, int64_t v);
  Stmt& bind(int i, double v);
  Stmt& bind(int i, std::string_view v);
  Stmt& bind_blob(int i, std::string_view bytes);
  Stmt& bind_null(int i);
  Stmt& bind(int i, const std::optional<int64_t>& v);

  // Advances: true when a row is available, false when done, error otherwise.
  Result<bool> step();
  // Runs to completion, ignoring rows.
  Status run();
  void reset();

  int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  std::string_view text_view(int col) const;  // valid until the next step()/reset()
  std::string_view blob_view(int col) const;  // valid until the next step()/reset()
  bool is_null(int col) const;

 private:
  sqlite3_stmt* s_ = nullptr;
  sqlite3* db_ = nullptr;
};

class Db {
 public:
  Db() = default;
  Db(Db&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) { o.db_ = nullptr; }
  Db& operator=(Db&& o) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  // Opens (creating if needed) the database at path in WAL mode with a busy timeout, and registers
  // the localseek FTS5 tokenizer and ranking function on the connection.
  static Result<Db> open(const std::string& path, bool read_only = false);

  Result<Stmt> prepare(std::string_view sql);
  Status exec(std::string_view sql);  // one or more statements, no results
  int64_t last_insert_rowid() const;
  int changes() const;
  std::string errmsg() const;
  sqlite3* raw() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// BEGIN IMMEDIATE … COMMIT, rolled back on destruction unless committed.
class Transaction {
 public:
  static Result<Transaction> begin(Db& db);
  Transaction(Transaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Transaction(const Transaction&) = delete;
  ~Transaction();
  Status commit();

 private:
  explicit Transaction(Db* db) : db_(db) {}
  Db* db_ = nullptr;
};

}  // namespace ls::kb
