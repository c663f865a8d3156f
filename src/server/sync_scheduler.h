// Runs the knowledge base's declared sources on their cron schedules inside `localseek serve`, and
// records each run in /metrics. One sync at a time (scheduled or POST /v1/kb/sources/{id}/sync):
// a single mutex serialises them, so a source is never synced twice at once.
#pragma once

#include <condition_variable>
#include <ctime>
#include <memory>
#include <mutex>
#include <thread>

#include "kb/knowledge_base.h"
#include "server/metrics_registry.h"

namespace ls::server {

class SyncScheduler {
 public:
  SyncScheduler(std::shared_ptr<kb::KnowledgeBase> kb, MetricsRegistry& registry);
  ~SyncScheduler();
  SyncScheduler(const SyncScheduler&) = delete;
  SyncScheduler& operator=(const SyncScheduler&) = delete;

  // Background thread: wakes at each minute boundary and runs the due sources. stop() wakes it.
  void start();
  void stop();
  // The background thread is asleep until its next wake-up (lets tests wait for it, not guess).
  bool sleeping() const;

  // Runs every source due at `now` (tests pass any time); returns how many ran.
  int run_due(std::time_t now);
  // Runs one source now. Errors of the source itself are in the status; storage errors are errors.
  Result<kb::SyncStatus> sync_now(int64_t source_id);

 private:
  void record(const kb::Source& source, const kb::SyncStatus& status);
  void loop();

  std::shared_ptr<kb::KnowledgeBase> kb_;
  MetricFamily<Gauge>& last_run_;
  MetricFamily<Counter>& documents_;
  MetricFamily<Counter>& errors_;
  MetricFamily<Counter>& runs_;
  std::mutex sync_mu_;  // one sync at a time
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool sleeping_ = false;
  std::thread thread_;
};

}  // namespace ls::server
