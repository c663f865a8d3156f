#include <gtest/gtest.h>

#include "kb/bm25_retriever.h"
#include "kb/ingest.h"
#include "kb/schema.h"
#include "kb/sqlite_store.h"
#include "kb_test_util.h"

namespace ls::kb {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = SqliteStore::open(dir_.path());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
    ASSERT_TRUE(store_->create_collection("docs", CollectionConfig{}).ok());
  }
  DocumentInput doc(const std::string& id, const std::string& title, const std::string& text) {
    ParsedDocument p = parse_text(text);
    p.title = title;
    p.id = id;
    DocumentInput d = make_document(p, CollectionConfig{});
    d.source = "test://";
    d.source += id;
    return d;
  }
  std::vector<SearchHit> search(const std::string& q, int k = 5, SearchFilters f = {}) {
    Bm25Retriever r(*store_);
    SearchRequest req;
    req.query = q;
    req.collection = "docs";
    req.top_k = k;
    req.filters = std::move(f);
    auto hits = r.search(req);
    EXPECT_TRUE(hits.ok()) << q << ": " << (hits.ok() ? "" : hits.error().message);
    return hits.ok() ? *hits : std::vector<SearchHit>{};
  }

  test::ScratchDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(StoreTest, SchemaIsVersionedAndReopens) {
  EXPECT_EQ(store_->schema_version(), kSchemaVersion);
  store_.reset();
  auto again = SqliteStore::open(dir_.path());
  ASSERT_TRUE(again.ok());
  auto colls = (*again)->list_collections();
  ASSERT_TRUE(colls.ok());
  ASSERT_EQ(colls->size(), 1u);
  EXPECT_EQ((*colls)[0].name, "docs");
}

TEST_F(StoreTest, RefusesNewerSchema) {
  {
    auto db = Db::open(dir_ / "kb.sqlite3");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("PRAGMA user_version=99").ok());
  }
  store_.reset();
  auto s = SqliteStore::open(dir_.path());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("newer"), std::string::npos);
}

TEST_F(StoreTest, CollectionNamesAndDuplicatesAreChecked) {
  EXPECT_FALSE(store_->create_collection("docs", {}).ok());
  EXPECT_FALSE(store_->create_collection("bad name!", {}).ok());
  EXPECT_FALSE(store_->create_collection("", {}).ok());
  CollectionConfig bad;
  bad.chunk_overlap = bad.chunk_tokens;
  EXPECT_FALSE(store_->create_collection("other", bad).ok());
  EXPECT_EQ(store_->get_collection("nope").error().kind, ErrorKind::kNotFound);
}

TEST_F(StoreTest, UpsertIsIdempotentAndReplacesChangedDocuments) {
  auto r1 = store_->upsert_documents("docs", {doc("a", "Alpha", "apples and pears"), doc("b", "Beta", "bananas")});
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ((*r1)[0], UpsertOutcome::kAdded);
  auto r2 = store_->upsert_documents("docs", {doc("a", "Alpha", "apples and pears")});
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ((*r2)[0], UpsertOutcome::kUnchanged);
  auto r3 = store_->upsert_documents("docs", {doc("a", "Alpha", "cherries only")});
  ASSERT_TRUE(r3.ok());
  EXPECT_EQ((*r3)[0], UpsertOutcome::kChanged);
  EXPECT_TRUE(search("apples").empty());  // old chunks gone
  auto hits = search("cherries");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].document_id, "a");
  auto st = store_->stats("docs");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->documents, 2);
  EXPECT_EQ(st->chunks, 2);
}

TEST_F(StoreTest, GetListDelete) {
  std::vector<DocumentInput> docs;
  for (int i = 0; i < 25; ++i) {
    std::string id = "d", text = "text ";
    id += std::to_string(100 + i);
    text += std::to_string(i);
    docs.push_back(doc(id, "T", text));
  }
  ASSERT_TRUE(store_->upsert_documents("docs", docs).ok());
  auto page = store_->list_documents("docs", 10, 10);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 25);
  ASSERT_EQ(page->items.size(), 10u);
  EXPECT_EQ(page->items[0].id, "d110");
  auto d = store_->get_document("docs", "d105", true);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->chunks.size(), 1u);
  EXPECT_EQ(d->chunks[0].text, "text 5");
  EXPECT_EQ(d->info.source, "test://d105");
  ASSERT_TRUE(store_->delete_document("docs", "d105").ok());
  EXPECT_EQ(store_->get_document("docs", "d105", true).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(store_->delete_document("docs", "d105").error().kind, ErrorKind::kNotFound);
  EXPECT_FALSE(store_->list_documents("docs", 0, 0).ok());
  EXPECT_EQ(store_->integrity_check().value(), "ok");
}

TEST_F(StoreTest, SearchRanksAndReportsProvenance) {
  ASSERT_TRUE(store_->upsert_documents("docs", {doc("cats", "Cats", "Cats purr. Cats sleep a lot. Cats hunt mice."),
                                                doc("dogs", "Dogs", "Dogs bark and fetch. A dog may chase cats."),
                                                doc("fish", "Fish", "Fish swim in water.")})
                  .ok());
  auto hits = search("cats");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].document_id, "cats");
  EXPECT_GT(hits[0].score, hits[1].score);
  EXPECT_GT(hits[1].score, 0);
  EXPECT_EQ(hits[0].title, "Cats");
  EXPECT_EQ(hits[0].source, "test://cats");
  EXPECT_EQ(hits[0].position, 0);
  EXPECT_NE(hits[0].text.find("purr"), std::string::npos);
  EXPECT_EQ(search("cats", 1).size(), 1u);
  // Title words are searchable.
  ASSERT_EQ(search("fish").size(), 1u);
}

TEST_F(StoreTest, HostileQueriesNeverRaise) {
  ASSERT_TRUE(store_->upsert_documents("docs", {doc("x", "X", "alpha beta \"gamma\" delta NEAR OR AND")}).ok());
  for (const char* q : {"\"", "\"\"\"", "alpha\"", "a OR", "AND", "NOT alpha", "NEAR(alpha beta)", "alpha*", "*",
                        "^alpha", "col:alpha", "title:alpha", "{alpha}", "(((", ")", "-alpha", "+beta", "🙂🙂🙂",
                        "'; DROP TABLE documents; --", "\xff\xfe", "", "   ", "alpha \x01\x02 beta", "🙂 alpha 🙂"}) {
    Bm25Retriever r(*store_);
    SearchRequest req;
    req.query = q;
    req.collection = "docs";
    auto hits = r.search(req);
    EXPECT_TRUE(hits.ok()) << "query [" << q << "]: " << (hits.ok() ? "" : hits.error().message);
  }
  EXPECT_EQ(search("🙂 alpha 🙂").size(), 1u);
  EXPECT_EQ(search("NOT alpha").size(), 1u);  // operators are plain words
  EXPECT_EQ(store_->integrity_check().value(), "ok");
}

TEST_F(StoreTest, SearchValidatesRequest) {
  Bm25Retriever r(*store_);
  SearchRequest req;
  req.query = "x";
  req.collection = "missing";
  EXPECT_EQ(r.search(req).error().kind, ErrorKind::kNotFound);
  req.collection = "docs";
  req.top_k = 0;
  EXPECT_EQ(r.search(req).error().kind, ErrorKind::kInvalidInput);
}

TEST_F(StoreTest, Filters) {
  auto a = doc("a", "A", "shared words here");
  a.metadata_json = R"({"lang":"en","year":2020})";
  a.source = "/docs/en/a.txt";
  auto b = doc("b", "B", "shared words there");
  b.metadata_json = R"({"lang":"fr"})";
  b.source = "/docs/fr/b.txt";
  ASSERT_TRUE(store_->upsert_documents("docs", {a, b}).ok());
  EXPECT_EQ(search("shared").size(), 2u);
  SearchFilters by_id;
  by_id.document_ids = {"b"};
  auto h = search("shared", 5, by_id);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].document_id, "b");
  SearchFilters by_src;
  by_src.source_prefix = "/docs/en/";
  h = search("shared", 5, by_src);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].document_id, "a");
  SearchFilters by_meta;
  by_meta.metadata = {{"lang", "fr"}};
  h = search("shared", 5, by_meta);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].document_id, "b");
  by_meta.metadata = {{"year", "2020"}};
  h = search("shared", 5, by_meta);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].document_id, "a");
}

TEST_F(StoreTest, CollectionsAreIsolatedAndDeletable) {
  ASSERT_TRUE(store_->create_collection("other", {}).ok());
  ASSERT_TRUE(store_->upsert_documents("docs", {doc("a", "A", "zebra")}).ok());
  Bm25Retriever r(*store_);
  SearchRequest req;
  req.query = "zebra";
  req.collection = "other";
  EXPECT_TRUE(r.search(req)->empty());
  ASSERT_TRUE(store_->delete_collection("docs").ok());
  EXPECT_FALSE(store_->get_collection("docs").ok());
  EXPECT_EQ(store_->integrity_check().value(), "ok");
}

}  // namespace
}  // namespace ls::kb
