#include "kb/sync.h"

#include <chrono>
#include <unordered_set>

#include "kb/cron.h"
#include "kb/input_source.h"
#include "util/strings.h"

namespace ls::kb {

Result<SyncStatus> sync_source(SqliteStore& store, const Source& source, const SyncOptions& opts) {
  auto t0 = std::chrono::steady_clock::now();
  LS_ASSIGN_OR_RETURN(Collection coll, store.get_collection(source.collection));
  IngestOptions io;
  io.include = source.spec.include;
  io.exclude = source.spec.exclude;
  io.source_id = source.id;
  io.before_commit = opts.before_commit;
  Ingestor ing(store, coll, io, opts.on_commit);
  LS_ASSIGN_OR_RETURN(InputOutcome outcome, ingest_input(ing, source.spec.uri, opts.fetch));
  LS_TRY(ing.flush());
  const IngestReport& rep = ing.report();

  SyncStatus st;
  st.added = rep.added;
  st.changed = rep.changed;
  st.unchanged = rep.unchanged;
  st.failed = rep.failed;
  if (outcome.reachable) {
    std::unordered_set<std::string> seen(rep.seen_ids.begin(), rep.seen_ids.end());
    LS_ASSIGN_OR_RETURN(auto stored, store.source_documents(source.collection, source.id));
    for (const auto& [id, hash] : stored) {
      if (seen.count(id)) continue;
      bool kept = outcome.keep.count(id) > 0;
      for (const auto& k : outcome.keep) kept = kept || starts_with(id, k + "#");
      if (kept) continue;
      auto del = store.delete_document(source.collection, id);
      if (!del.ok() && del.error().kind != ErrorKind::kNotFound) return del.error();
      ++st.removed;
    }
  }
  st.state = !outcome.reachable ? "error" : (rep.failed > 0 ? "partial" : "ok");
  for (size_t i = 0; i < rep.errors.size() && i < 50; ++i) st.errors.push_back(rep.errors[i]);
  st.last_run_at = static_cast<int64_t>(std::time(nullptr));
  st.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  LS_TRY(store.record_sync_status(source.id, st));
  return st;
}

bool source_due(const Source& source, std::time_t now) {
  if (source.spec.schedule.empty()) return false;
  auto cron = CronSchedule::parse(source.spec.schedule);
  if (!cron.ok()) return false;
  std::time_t since = source.status.last_run_at > 0 ? source.status.last_run_at : source.created_at;
  auto next = cron->next_after(since);
  return next.has_value() && *next <= now;
}

}  // namespace ls::kb
