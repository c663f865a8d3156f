#include "server/sync_scheduler.h"

#include <chrono>

#include "util/log.h"

namespace ls::server {

SyncScheduler::SyncScheduler(std::shared_ptr<kb::KnowledgeBase> kb, MetricsRegistry& registry)
    : kb_(std::move(kb)),
      last_run_(registry.gauge("localseek_kb_sync_last_run_timestamp_seconds",
                               "Unix time of the last sync run of a source", {"collection", "source"})),
      documents_(registry.counter("localseek_kb_sync_documents_total",
                                  "Documents added, changed or removed by source syncs",
                                  {"collection", "source", "change"})),
      errors_(registry.counter("localseek_kb_sync_errors_total",
                               "Source sync runs that ended with errors", {"collection", "source"})),
      runs_(registry.counter("localseek_kb_sync_runs_total", "Source sync runs",
                             {"collection", "source"})) {
  // Sources synced before this process started (CLI, earlier runs) show their last run at once.
  auto sources = kb_->list_sources();
  if (!sources.ok()) return;
  for (const auto& s : *sources)
    if (s.status.last_run_at > 0)
      last_run_.with({s.collection, std::to_string(s.id)}).set(static_cast<double>(s.status.last_run_at));
}

SyncScheduler::~SyncScheduler() { stop(); }

void SyncScheduler::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { loop(); });
}

void SyncScheduler::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool SyncScheduler::sleeping() const {
  std::lock_guard lock(mu_);
  return sleeping_;
}

void SyncScheduler::loop() {
  using clock = std::chrono::system_clock;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    auto now = clock::now();
    auto next_minute = std::chrono::ceil<std::chrono::minutes>(now + std::chrono::milliseconds(1));
    sleeping_ = true;  // seen by others only once wait_until has released the lock
    const bool stop = wake_.wait_until(lock, next_minute, [this] { return stopping_; });
    sleeping_ = false;
    if (stop) break;
    lock.unlock();
    run_due(clock::to_time_t(clock::now()));
    lock.lock();
  }
}

int SyncScheduler::run_due(std::time_t now) {
  auto due = kb_->due_sources(now);
  if (!due.ok()) {
    log::warn("sync scheduler: " + due.error().message);
    return 0;
  }
  int ran = 0;
  for (const auto& s : *due) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
    }
    auto st = sync_now(s.id);
    if (!st.ok()) log::warn("sync scheduler: source " + std::to_string(s.id) + ": " + st.error().message);
    ++ran;
  }
  return ran;
}

Result<kb::SyncStatus> SyncScheduler::sync_now(int64_t source_id) {
  std::lock_guard lock(sync_mu_);
  auto sources = kb_->list_sources();
  if (!sources.ok()) return sources.error();
  const kb::Source* source = nullptr;
  for (const auto& s : *sources)
    if (s.id == source_id) source = &s;
  if (source == nullptr) return Error::not_found("no source with id " + std::to_string(source_id));
  auto st = kb_->sync_source(source_id);
  if (!st.ok()) {
    errors_.with({source->collection, std::to_string(source_id)}).inc();
    runs_.with({source->collection, std::to_string(source_id)}).inc();
    return st.error();
  }
  record(*source, *st);
  return st;
}

void SyncScheduler::record(const kb::Source& source, const kb::SyncStatus& status) {
  const std::string id = std::to_string(source.id);
  last_run_.with({source.collection, id}).set(static_cast<double>(status.last_run_at));
  documents_.with({source.collection, id, "added"}).inc(static_cast<double>(status.added));
  documents_.with({source.collection, id, "changed"}).inc(static_cast<double>(status.changed));
  documents_.with({source.collection, id, "removed"}).inc(static_cast<double>(status.removed));
  runs_.with({source.collection, id}).inc();
  if (status.state != "ok") errors_.with({source.collection, id}).inc();
  else errors_.with({source.collection, id}).inc(0);  // the series exists from the first run
}

}  // namespace ls::server
