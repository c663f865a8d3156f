#include <gtest/gtest.h>

#include <filesystem>

#include "kb/knowledge_base.h"
#include "kb_test_util.h"

namespace ls::kb {
namespace {

class SyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto k = KnowledgeBase::open(dir_ / "data");
    ASSERT_TRUE(k.ok());
    kb_ = std::move(*k);
    ASSERT_TRUE(kb_->create_collection("c").ok());
    test::write_file(dir_ / "src/a.md", "# A\nalpha text");
    test::write_file(dir_ / "src/b.txt", "bravo text");
    test::write_file(dir_ / "src/sub/c.html", "<title>C</title><p>charlie text</p>");
    test::write_file(dir_ / "src/skip.log", "logged text");
    SourceSpec spec;
    spec.uri = dir_ / "src";
    spec.exclude = {"*.log"};
    auto s = kb_->add_source("c", spec);
    ASSERT_TRUE(s.ok()) << s.error().message;
    source_ = s->id;
  }
  SyncStatus sync() {
    auto st = kb_->sync_source(source_);
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    return st.ok() ? *st : SyncStatus{};
  }
  size_t hits(const std::string& q) {
    SearchRequest r;
    r.collection = "c";
    r.query = q;
    auto h = kb_->search(r);
    return h.ok() ? h->size() : 999;
  }

  test::ScratchDir dir_;
  std::unique_ptr<KnowledgeBase> kb_;
  int64_t source_ = 0;
};

TEST_F(SyncTest, FirstSyncAddsThenSecondIsIdempotent) {
  SyncStatus s1 = sync();
  EXPECT_EQ(s1.state, "ok");
  EXPECT_EQ(s1.added, 3);
  EXPECT_EQ(hits("logged"), 0u);  // excluded by glob
  SyncStatus s2 = sync();
  EXPECT_EQ(s2.added, 0);
  EXPECT_EQ(s2.changed, 0);
  EXPECT_EQ(s2.removed, 0);
  EXPECT_EQ(s2.unchanged, 3);
  auto page = kb_->list_documents("c");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 3);
}

TEST_F(SyncTest, ChangedAddedAndRemovedFilesAreFollowed) {
  sync();
  test::write_file(dir_ / "src/a.md", "# A\nalpha changed zulu");
  std::filesystem::remove(dir_ / "src/b.txt");
  test::write_file(dir_ / "src/d.txt", "delta text");
  SyncStatus s = sync();
  EXPECT_EQ(s.changed, 1);
  EXPECT_EQ(s.removed, 1);
  EXPECT_EQ(s.added, 1);
  EXPECT_EQ(s.unchanged, 1);
  EXPECT_EQ(hits("zulu"), 1u);
  EXPECT_EQ(hits("bravo"), 0u);
  EXPECT_EQ(hits("delta"), 1u);
  auto sources = kb_->list_sources("c");
  ASSERT_TRUE(sources.ok());
  ASSERT_EQ(sources->size(), 1u);
  const SyncStatus& rec = (*sources)[0].status;  // the recorded status is the last run's
  EXPECT_EQ(rec.state, "ok");
  EXPECT_EQ(rec.changed, 1);
  EXPECT_EQ(rec.removed, 1);
  EXPECT_GT(rec.last_run_at, 0);
}

TEST_F(SyncTest, UnreachableSourceRemovesNothing) {
  sync();
  std::filesystem::rename(dir_ / "src", dir_ / "moved");
  SyncStatus s = sync();
  EXPECT_EQ(s.state, "error");
  EXPECT_EQ(s.removed, 0);
  EXPECT_FALSE(s.errors.empty());
  EXPECT_EQ(kb_->list_documents("c")->total, 3);
}

TEST_F(SyncTest, UnparseableFileKeepsItsPreviousVersion) {
  test::write_file(dir_ / "src/e.pdf", "not a pdf at all");
  SyncStatus s = sync();
  EXPECT_EQ(s.state, "partial");
  EXPECT_EQ(s.failed, 1);
  EXPECT_EQ(s.added, 3);
  ASSERT_FALSE(s.errors.empty());
  EXPECT_NE(s.errors[0].find("e.pdf"), std::string::npos);
  // A failed item is not mistaken for a vanished one: nothing is removed.
  SyncStatus again = sync();
  EXPECT_EQ(again.removed, 0);
  EXPECT_EQ(again.unchanged, 3);
}

TEST_F(SyncTest, DueFollowsTheCronSchedule) {
  SourceSpec spec;
  spec.uri = dir_ / "src";
  spec.schedule = "0 3 * * *";
  auto s = kb_->add_source("c", spec);
  ASSERT_TRUE(s.ok());
  Source src = *s;
  std::time_t t = src.created_at;
  EXPECT_FALSE(source_due(src, t));
  EXPECT_TRUE(source_due(src, t + 25 * 3600));  // a 03:00 has passed since creation
  src.status.last_run_at = t + 25 * 3600;
  EXPECT_FALSE(source_due(src, t + 25 * 3600 + 60));
  SourceSpec bad = spec;
  bad.schedule = "every day";
  EXPECT_FALSE(kb_->add_source("c", bad).ok());
}

}  // namespace
}  // namespace ls::kb
