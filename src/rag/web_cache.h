// A TTL cache for web search answers and fetched pages, in its own SQLite file in the data folder
// (web_cache.sqlite), so a repeated question costs no provider call and no page fetch.
// Thread-safe (one connection behind a mutex; the cache is small and its values are short).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "util/error.h"

struct sqlite3;

namespace ls::rag {

class WebCache {
 public:
  // ":memory:" for an in-process cache.
  static Result<std::unique_ptr<WebCache>> open(const std::string& path);
  ~WebCache();

  // The value stored under (kind, key) unless it expired before `now` (unix seconds).
  std::optional<std::string> get(const std::string& kind, const std::string& key, int64_t now);
  void put(const std::string& kind, const std::string& key, const std::string& value, int64_t expires_at);
  // Removes expired entries; returns how many.
  int64_t prune(int64_t now);

 private:
  WebCache() = default;
  std::mutex mu_;
  sqlite3* db_ = nullptr;
};

}  // namespace ls::rag
