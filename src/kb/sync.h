// Incremental sync of a declared source: re-ingests it, rewriting only documents whose content
// hash changed, removing documents of the source that are gone, and recording a SyncStatus.
// Idempotent: a second run with no changes adds, changes and removes nothing. When the source as a
// whole is unreachable (folder missing, URL down) nothing is removed and the state is "error";
// items that failed to parse keep their previous version.
#pragma once

#include <ctime>

#include "kb/ingest.h"
#include "kb/source_types.h"
#include "kb/sqlite_store.h"
#include "kb/url_fetch.h"

namespace ls::kb {

struct SyncOptions {
  FetchPolicy fetch;
  CommitCallback on_commit;
  std::function<Status(std::vector<DocumentInput>&)> before_commit;  // see IngestOptions
};

// Runs one source and stores its status. Only storage failures are errors; everything else is in
// the returned status.
Result<SyncStatus> sync_source(SqliteStore& store, const Source& source, const SyncOptions& opts);

// True when the source has a schedule whose next fire time after its last run (or creation) is
// at or before `now` (local time zone, like cron).
bool source_due(const Source& source, std::time_t now);

}  // namespace ls::kb
