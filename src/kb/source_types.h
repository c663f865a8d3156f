// Declared ingestion sources of a collection (`localseek kb source add`) and their sync status.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ls::kb {

struct SourceSpec {
  std::string uri;                   // file, folder, http(s) URL, or a .urls list file
  std::vector<std::string> include;  // globs on paths relative to a folder (empty = every supported file)
  std::vector<std::string> exclude;
  std::string schedule;              // 5-field cron expression, empty = only on demand
};

// The record of the last sync run of a source; the server exposes it in /metrics and its API.
struct SyncStatus {
  int64_t last_run_at = 0;  // unix seconds, 0 = never ran
  double duration_s = 0;
  std::string state = "never";  // never | ok | partial (some items failed) | error (source unusable)
  int64_t added = 0, changed = 0, removed = 0, unchanged = 0, failed = 0;
  std::vector<std::string> errors;  // "path: reason", at most a few dozen kept
};

struct Source {
  int64_t id = 0;
  std::string collection;
  SourceSpec spec;
  SyncStatus status;
  int64_t created_at = 0;
};

}  // namespace ls::kb
