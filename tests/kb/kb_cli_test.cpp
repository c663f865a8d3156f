// The `localseek kb` and `localseek eval retrieval` commands as a user runs them, and crash safety:
// SIGKILL in the middle of an ingest, then restart.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "kb/knowledge_base.h"
#include "cli_run.h"
#include "kb_test_util.h"
#include "test_support.h"

namespace ls::kb {
namespace {

using CmdResult = ls::test::CliRun;

// stdout only: the tests parse it as JSON.
CmdResult run(const std::string& args) { return ls::test::run_cli(args, /*with_stderr=*/false); }

std::string q(const std::string& s) { return ls::test::shell_quote(s); }

#ifndef KB_CRASH_TEST
TEST(KbCli, CreateAddSearchListRemove) {
  test::ScratchDir dir;
  std::string data = " --data " + q(dir / "data");
  test::write_file(dir / "docs/a.md", "# Apples\nApples grow on trees in orchards.\n## Storage\nKeep apples cool.");
  test::write_file(dir / "docs/b.txt", "Bananas are yellow.");
  ASSERT_EQ(run("kb create fruit" + data).exit_code, 0);
  EXPECT_NE(run("kb create fruit" + data).exit_code, 0);  // exists
  CmdResult add = run("kb add fruit " + q(dir / "docs") + data + " --json");
  ASSERT_EQ(add.exit_code, 0) << add.out;
  auto aj = nlohmann::json::parse(add.out);
  EXPECT_EQ(aj["added"], 2);
  CmdResult s = run("kb search fruit 'keep apples cool' -k 3 --json" + data);
  ASSERT_EQ(s.exit_code, 0);
  auto sj = nlohmann::json::parse(s.out);
  ASSERT_FALSE(sj["results"].empty());
  const auto& top = sj["results"][0];
  EXPECT_EQ(top["title"], "Apples");
  EXPECT_EQ(top["heading_path"], "Apples > Storage");
  EXPECT_EQ(top["text"], "Keep apples cool.");
  EXPECT_GT(top["score"].get<double>(), 0);
  EXPECT_NE(top["source"].get<std::string>().find("a.md"), std::string::npos);
  CmdResult human = run("kb search fruit bananas" + data);
  EXPECT_NE(human.out.find("Bananas are yellow."), std::string::npos);
  EXPECT_EQ(run("kb search fruit '\"unbalanced AND ( NEAR' " + data).exit_code, 0);
  CmdResult ls = run("kb ls fruit --json" + data);
  auto lj = nlohmann::json::parse(ls.out);
  EXPECT_EQ(lj["total"], 2);
  std::string id = lj["documents"][0]["id"];
  EXPECT_EQ(run("kb rm fruit " + q(id) + data).exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(run("kb ls fruit --json" + data).out)["total"], 1);
  EXPECT_EQ(run("kb search nosuch x" + data).exit_code, 2);
  EXPECT_EQ(run("kb rm fruit" + data).exit_code, 0);
  EXPECT_EQ(run("kb ls --json" + data).out.find("fruit"), std::string::npos);
}

TEST(KbCli, BadFilesAreReportedAndSkipped) {
  test::ScratchDir dir;
  std::string data = " --data " + q(dir / "data");
  test::write_file(dir / "in/good.txt", "good words");
  test::write_file(dir / "in/bad.pdf", "no pdf here");
  CmdResult add = run("kb add c --create " + q(dir / "in") + " " + q(dir / "missing.txt") + " --json" + data);
  ASSERT_EQ(add.exit_code, 0) << add.out;
  auto j = nlohmann::json::parse(add.out);
  EXPECT_EQ(j["added"], 1);
  EXPECT_EQ(j["failed"], 2);
  std::string errs = j["errors"].dump();
  EXPECT_NE(errs.find("bad.pdf"), std::string::npos);
  EXPECT_NE(errs.find("missing.txt"), std::string::npos);
}

TEST(KbCli, SourcesAndSync) {
  test::ScratchDir dir;
  std::string data = " --data " + q(dir / "data");
  test::write_file(dir / "src/one.txt", "first file");
  ASSERT_EQ(run("kb create c" + data).exit_code, 0);
  ASSERT_EQ(run("kb source add c " + q(dir / "src") + " --schedule '*/5 * * * *'" + data).exit_code, 0);
  EXPECT_NE(run("kb source add c " + q(dir / "src") + " --schedule 'bad cron'" + data).exit_code, 0);
  auto s1 = nlohmann::json::parse(run("kb sync --json" + data).out);
  EXPECT_EQ(s1["synced"][0]["added"], 1);
  test::write_file(dir / "src/two.txt", "second file");
  auto s2 = nlohmann::json::parse(run("kb sync c --json" + data).out);
  EXPECT_EQ(s2["synced"][0]["added"], 1);
  EXPECT_EQ(s2["synced"][0]["unchanged"], 1);
  auto ls = nlohmann::json::parse(run("kb source ls --json" + data).out);
  EXPECT_EQ(ls["sources"][0]["status"]["state"], "ok");
  EXPECT_TRUE(ls["sources"][0].contains("next_run_at"));
  auto stats = nlohmann::json::parse(run("kb stats --json" + data).out);
  EXPECT_EQ(stats["collections"]["c"]["stats"]["documents"], 2);
}

TEST(KbCli, EvalRetrievalJson) {
  LS_REQUIRE_ASSET("data/xquad-en/corpus.jsonl");
  CmdResult r = run("eval retrieval --json --dataset " + q(ls::test::shared_path("data/xquad-en")));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  for (const char* k : {"ndcg_at_10", "recall_at_100", "mrr_at_10", "queries", "p50_ms"}) EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["queries"], 1190);
  EXPECT_GT(j["ndcg_at_10"].get<double>(), 0.9);
  EXPECT_NE(run("eval retrieval --dataset /nonexistent").exit_code, 0);
}
#endif

#ifdef KB_CRASH_TEST
// Crash safety: SIGKILL a sync in the middle of a large ingest; every acknowledged document must
// be present and searchable, no partial document visible, the database intact, and the next sync
// must complete the rest.
TEST(KbCrash, KillDuringIngestThenRestart) {
  test::ScratchDir dir;
  const int kDocs = 20000;
  {
    std::ostringstream corpus;
    for (int i = 0; i < kDocs; ++i) {
      corpus << R"({"_id":"doc)" << i << R"(","title":"Title )" << i << R"(","text":"marker)" << i
             << " common words about crash safety and durable storage. second sentence with more text to index "
                "and some filler words for the chunker to handle properly."
             << R"("})" << "\n";
    }
    test::write_file(dir / "big.jsonl", corpus.str());
  }
  std::string data = dir / "data";
  ASSERT_EQ(run("kb create big --data " + q(data)).exit_code, 0);
  ASSERT_EQ(run("kb source add big " + q(dir / "big.jsonl") + " --data " + q(data)).exit_code, 0);

  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::string bin = ls::test::binary();
    execl(bin.c_str(), bin.c_str(), "kb", "sync", "--ack", "--data", data.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  std::set<std::string> acked;
  std::string pending;
  char buf[8192];
  bool killed = false;
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      if (line.rfind("committed\t", 0) == 0) acked.insert(line.substr(10));
    }
    if (!killed && acked.size() >= 1000) {
      kill(pid, SIGKILL);  // mid-ingest: the ack lines already read were printed after their commit
      killed = true;
    }
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(killed) << "the ingest finished before it could be killed";
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  ASSERT_GE(acked.size(), 1000u);
  ASSERT_LT(acked.size(), static_cast<size_t>(kDocs)) << "nothing left to recover";

  {
    auto kb = KnowledgeBase::open(data);
    ASSERT_TRUE(kb.ok()) << kb.error().message;
    EXPECT_EQ((*kb)->store().integrity_check().value(), "ok");
    auto page = (*kb)->list_documents("big", 0, 1);
    ASSERT_TRUE(page.ok());
    int64_t present = page->total;
    EXPECT_GE(present, static_cast<int64_t>(acked.size()));
    EXPECT_LT(present, kDocs);
    // Every acknowledged document is complete and searchable (checked on a spread sample).
    int checked = 0;
    for (const auto& id : acked) {
      if (checked++ % 25 != 0) continue;
      auto d = (*kb)->get_document("big", id);
      ASSERT_TRUE(d.ok()) << id;
      ASSERT_EQ(d->chunks.size(), 1u) << id;
      SearchRequest req;
      req.collection = "big";
      req.query = "marker" + id.substr(3);
      auto hits = (*kb)->search(req);
      ASSERT_TRUE(hits.ok());
      ASSERT_FALSE(hits->empty()) << id;
      EXPECT_EQ((*hits)[0].document_id, id);
    }
    // No partial document: documents, chunk rows and index rows agree.
    auto r = (*kb)->store().reader();
    ASSERT_TRUE(r.ok());
    auto st = r->db().prepare(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM chunks), (SELECT count(*) FROM fts_1), "
        "(SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.document_id = d.id))");
    ASSERT_TRUE(st.ok());
    ASSERT_TRUE(st->step().value());
    EXPECT_EQ(st->int64(0), present);
    EXPECT_EQ(st->int64(1), present);
    EXPECT_EQ(st->int64(2), present);
    EXPECT_EQ(st->int64(3), 0);
  }
  // The next sync completes the rest.
  CmdResult again = run("kb sync --json --data " + q(data));
  ASSERT_EQ(again.exit_code, 0) << again.out;
  auto j = nlohmann::json::parse(again.out);
  EXPECT_EQ(j["synced"][0]["added"].get<int64_t>() + j["synced"][0]["unchanged"].get<int64_t>(), kDocs);
  EXPECT_GE(j["synced"][0]["unchanged"].get<int64_t>(), static_cast<int64_t>(acked.size()));
  auto kb = KnowledgeBase::open(data);
  ASSERT_TRUE(kb.ok());
  EXPECT_EQ((*kb)->list_documents("big", 0, 1)->total, kDocs);
  EXPECT_EQ((*kb)->store().integrity_check().value(), "ok");
}
#endif

}  // namespace
}  // namespace ls::kb
