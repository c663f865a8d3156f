// Declared sources inside the server: the SyncScheduler running due sources (run_due with chosen
// times), their records in GET /v1/kb/sources and /metrics, POST …/sync, a broken source, and a
// prompt stop of the scheduler thread.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>

#include "kb_server_fixture.h"

namespace ls::server {
namespace {

using json = nlohmann::json;
using ::ls::test::write_file;
namespace fs = std::filesystem;

constexpr std::time_t kTwoDays = 2 * 24 * 3600;

class KbSources : public test::KbServerTest {
 protected:
  // A folder source's files (root()/docs) and the collection it syncs into.
  void prepare(kb::KnowledgeBase& k) override {
    write_file(root() / "docs" / "a.txt", "Alpha document about fevers and pyrogens.");
    write_file(root() / "docs" / "b.txt", "Beta document about migraines.");
    ASSERT_TRUE(k.create_collection("notes").ok());
  }
  int64_t add_source(const std::string& uri, const std::string& schedule = "0 3 * * *") {
    kb::SourceSpec spec;
    spec.uri = uri;
    spec.schedule = schedule;
    auto s = kb_->add_source("notes", spec);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? s->id : -1;
  }
  SyncScheduler& scheduler() { return *server_->server().state().sync; }
  json source_json(int64_t id) {
    json list = get("/v1/kb/sources?collection=notes", 200);
    for (const auto& s : list["data"])
      if (s["id"] == id) return s;
    ADD_FAILURE() << "source " << id << " not listed: " << list.dump();
    return nullptr;
  }
  std::string metrics() {
    auto r = client_->Get("/metrics");
    EXPECT_TRUE(r);
    return r ? r->body : "";
  }
};

TEST_F(KbSources, ScheduledRunsAddChangeRemoveWithCountsInApiAndMetrics) {
  const int64_t id = add_source((root() / "docs").string());
  const std::time_t now = std::time(nullptr);
  const std::string sid = std::to_string(id);
  const std::string labels = "collection=\"notes\",source=\"" + sid + "\"";

  // Created now with a daily 03:00 schedule: not due yet, due two days on.
  EXPECT_EQ(scheduler().run_due(now), 0);
  json s = source_json(id);
  EXPECT_EQ(s["status"]["state"], "never");
  EXPECT_EQ(s["schedule"], "0 3 * * *");
  ASSERT_TRUE(s["next_run_at"].is_number_integer()) << s.dump();
  EXPECT_GT(s["next_run_at"].get<int64_t>(), now);
  EXPECT_LE(s["next_run_at"].get<int64_t>(), now + 24 * 3600);

  EXPECT_EQ(scheduler().run_due(now + kTwoDays), 1);
  s = source_json(id);
  EXPECT_EQ(s["status"]["state"], "ok") << s.dump();
  EXPECT_EQ(s["status"]["added"], 2);
  EXPECT_GT(s["status"]["last_run_at"].get<int64_t>(), 0);
  std::string m = metrics();
  EXPECT_NE(m.find("localseek_kb_sync_documents_total{" + labels + ",change=\"added\"} 2"), std::string::npos) << m;
  EXPECT_NE(m.find("localseek_kb_sync_runs_total{" + labels + "} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("localseek_kb_sync_errors_total{" + labels + "} 0"), std::string::npos) << m;
  EXPECT_NE(m.find("localseek_kb_sync_last_run_timestamp_seconds{" + labels + "} "), std::string::npos) << m;
  EXPECT_EQ(kb_->list_documents("notes")->total, 2);

  write_file(root() / "docs" / "a.txt", "Alpha document, rewritten: now about vaccines.");
  EXPECT_EQ(scheduler().run_due(now + 2 * kTwoDays), 1);
  s = source_json(id);
  EXPECT_EQ(s["status"]["changed"], 1) << s.dump();
  EXPECT_EQ(s["status"]["unchanged"], 1);
  EXPECT_EQ(s["status"]["added"], 0);

  fs::remove(root() / "docs" / "b.txt");
  EXPECT_EQ(scheduler().run_due(now + 3 * kTwoDays), 1);
  s = source_json(id);
  EXPECT_EQ(s["status"]["removed"], 1) << s.dump();
  EXPECT_EQ(kb_->list_documents("notes")->total, 1);
  m = metrics();
  EXPECT_NE(m.find("localseek_kb_sync_documents_total{" + labels + ",change=\"changed\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("localseek_kb_sync_documents_total{" + labels + ",change=\"removed\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("localseek_kb_sync_runs_total{" + labels + "} 3"), std::string::npos) << m;
}

TEST_F(KbSources, SourceWithoutScheduleNeverRunsBySchedule) {
  add_source((root() / "docs").string(), "");
  EXPECT_EQ(scheduler().run_due(std::time(nullptr) + 10 * kTwoDays), 0);
  EXPECT_EQ(kb_->list_documents("notes")->total, 0);
}

TEST_F(KbSources, BrokenSourceRecordsErrorAndServerStaysUp) {
  const int64_t bad = add_source((root() / "missing-folder").string());
  const int64_t good = add_source((root() / "docs").string());
  EXPECT_EQ(scheduler().run_due(std::time(nullptr) + kTwoDays), 2);
  json b = source_json(bad);
  EXPECT_EQ(b["status"]["state"], "error") << b.dump();
  EXPECT_FALSE(b["status"]["errors"].empty());
  EXPECT_EQ(source_json(good)["status"]["added"], 2);
  std::string m = metrics();
  EXPECT_NE(m.find("localseek_kb_sync_errors_total{collection=\"notes\",source=\"" + std::to_string(bad) + "\"} 1"),
            std::string::npos) << m;
  EXPECT_EQ(get("/health", 200).is_discarded(), false);
}

TEST_F(KbSources, PostSyncRunsOneNowAndUnknownIdIs404) {
  const int64_t id = add_source((root() / "docs").string(), "");
  auto r = client_->Post(("/v1/kb/sources/" + std::to_string(id) + "/sync").c_str(), "", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json j = json::parse(r->body);
  EXPECT_EQ(j["status"]["added"], 2);
  EXPECT_EQ(j["status"]["state"], "ok");
  EXPECT_EQ(source_json(id)["status"]["added"], 2);

  r = client_->Post("/v1/kb/sources/99999/sync", "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  j = json::parse(r->body);
  EXPECT_EQ(j["error"]["code"], "source_not_found") << r->body;

  // Same auth as the other /v1 routes.
  auto anon = server_->client();
  r = anon->Post(("/v1/kb/sources/" + std::to_string(id) + "/sync").c_str(), "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = anon->Get("/v1/kb/sources");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

TEST_F(KbSources, SchedulerThreadStopsPromptly) {
  scheduler().start();
  // stop() must wake the thread from its sleep until the next minute.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!scheduler().sleeping() && std::chrono::steady_clock::now() < until) std::this_thread::yield();
  ASSERT_TRUE(scheduler().sleeping());
  auto t0 = std::chrono::steady_clock::now();
  scheduler().stop();
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(waited, std::chrono::seconds(2));
}

}  // namespace
}  // namespace ls::server
