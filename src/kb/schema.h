// Schema migrations of the knowledge-base database, keyed by PRAGMA user_version.
#pragma once

#include "kb/sqlite_db.h"

namespace ls::kb {

constexpr int kSchemaVersion = 2;

// Brings the database to kSchemaVersion, one migration per transaction. A database written by a
// newer LocalSeek (higher version) is refused rather than damaged.
Status migrate(Db& db);
Result<int> schema_version(Db& db);

}  // namespace ls::kb
