// Chunk vectors in the knowledge base: storage with ingestion, model changes and re-embedding,
// dense and hybrid search, reranking, the HNSW index (recall, persistence, damage).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "kb/beir_eval.h"
#include "kb/dense_retriever.h"
#include "kb/hashed_embedder.h"
#include "kb/hnsw_index.h"
#include "kb/knowledge_base.h"
#include "clustered_vectors.h"
#include "kb_test_util.h"

namespace ls::kb {
namespace {

const char* const kDocs[][2] = {
    {"cats", "Cats are small domesticated felines that purr and hunt mice."},
    {"dogs", "Dogs are loyal domesticated canines that bark and fetch sticks."},
    {"tea", "Green tea is brewed from the leaves of Camellia sinensis."},
    {"rust", "Rust is a systems programming language focused on memory safety."},
    {"cpp", "C++ is a systems programming language with templates and manual memory management."},
    {"paris", "Paris is the capital of France, on the river Seine."},
    {"berlin", "Berlin is the capital of Germany, on the river Spree."},
    {"zh", "北京是中华人民共和国的首都，位于华北平原。"},
};

class DenseTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }
  void open(std::shared_ptr<Embedder> e = nullptr, DenseOptions o = {}) {
    kb_.reset();
    auto k = KnowledgeBase::open(dir_.path(), o);
    ASSERT_TRUE(k.ok()) << k.error().message;
    kb_ = std::move(*k);
    if (e) embedder_ = e;
    kb_->set_embedder(embedder_);
  }
  void add_all(const std::string& coll = "docs") {
    for (const auto& d : kDocs) {
      NewDocument nd;
      nd.id = d[0];
      nd.title = d[0];
      nd.text = d[1];
      auto r = kb_->add_document(coll, nd);
      ASSERT_TRUE(r.ok()) << r.error().message;
    }
  }
  std::vector<SearchHit> search(const std::string& q, SearchMode mode, int k = 3, const std::string& coll = "docs") {
    SearchRequest r;
    r.query = q;
    r.collection = coll;
    r.top_k = k;
    r.mode = mode;
    auto hits = kb_->search(r);
    EXPECT_TRUE(hits.ok()) << q << ": " << (hits.ok() ? "" : hits.error().message);
    return hits.ok() ? *hits : std::vector<SearchHit>{};
  }

  test::ScratchDir dir_;
  std::shared_ptr<HashedEmbedder> hashed_ = std::make_shared<HashedEmbedder>(64);
  std::shared_ptr<Embedder> embedder_ = hashed_;
  std::unique_ptr<KnowledgeBase> kb_;
};

TEST_F(DenseTest, VectorsAreStoredWithTheirChunks) {
  ASSERT_TRUE(kb_->create_collection("docs").ok());
  add_all();
  auto space = kb_->store().vector_space("docs");
  ASSERT_TRUE(space.ok() && space->has_value());
  EXPECT_EQ((*space)->model, hashed_->model_id());
  EXPECT_EQ((*space)->dimension, 64);
  auto n = kb_->store().vector_counts("docs");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->chunks, 8);
  EXPECT_EQ(n->current, 8);
  EXPECT_EQ(n->stale + n->missing, 0);
  // Re-adding an unchanged document embeds nothing.
  const size_t before = hashed_->texts_embedded();
  add_all();
  EXPECT_EQ(hashed_->texts_embedded(), before);
  // Deleting a document removes its vectors with its chunks.
  ASSERT_TRUE(kb_->delete_document("docs", "tea").ok());
  n = kb_->store().vector_counts("docs");
  EXPECT_EQ(n->chunks, 7);
  EXPECT_EQ(n->current, 7);
}

TEST_F(DenseTest, VectorsOfAnotherModelAreRefusedInTheSameTransaction) {
  ASSERT_TRUE(kb_->create_collection("docs").ok());
  DocumentInput d;
  d.id = "x";
  d.content_hash = "h";
  d.embedding_model = "some-other-model";
  ChunkInput ch;
  ch.text = "text";
  ch.embedding.assign(64, 1.0f);
  d.chunks.push_back(ch);
  auto r = kb_->store().upsert_documents("docs", {d});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("some-other-model"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(hashed_->model_id()), std::string::npos) << r.error().message;
  EXPECT_EQ(kb_->stats("docs")->documents, 0);  // rolled back: no document without its vectors
  d.embedding_model = hashed_->model_id();
  d.chunks[0].embedding.resize(10);
  r = kb_->store().upsert_documents("docs", {d});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("dimension 64"), std::string::npos) << r.error().message;
}

TEST_F(DenseTest, DenseSearchFindsSimilarText) {
  ASSERT_TRUE(kb_->create_collection("docs").ok());
  add_all();
  auto hits = search("capital city of France on the Seine", SearchMode::kDense);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].document_id, "paris");
  ASSERT_EQ(hits[0].found_by.size(), 1u);
  EXPECT_EQ(hits[0].found_by[0].retriever, "dense");
  EXPECT_EQ(hits[0].found_by[0].rank, 1);
  EXPECT_GT(hits[0].score, hits[1].score);
  EXPECT_FALSE(hits[0].text.empty());
  hits = search("中华人民共和国首都", SearchMode::kDense, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].document_id, "zh");
  // Filters restrict the exact scan.
  SearchRequest r;
  r.query = "capital of Germany on the river";
  r.collection = "docs";
  r.mode = SearchMode::kDense;
  r.filters.document_ids = {"berlin", "tea"};
  auto f = kb_->search(r);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->size(), 2u);
  EXPECT_EQ((*f)[0].document_id, "berlin");
}

TEST_F(DenseTest, HybridIsRrfOfTheTwoRankings) {
  ASSERT_TRUE(kb_->create_collection("docs").ok());
  add_all();
  const std::string q = "systems programming language memory";
  auto bm = search(q, SearchMode::kBm25, 100);
  auto de = search(q, SearchMode::kDense, 100);
  auto hy = search(q, SearchMode::kHybrid, 5);
  ASSERT_EQ(hy.size(), 5u);
  std::map<int64_t, double> expect;
  for (size_t i = 0; i < bm.size(); ++i) expect[bm[i].chunk_id] += 1.0 / (60 + static_cast<double>(i + 1));
  for (size_t i = 0; i < de.size(); ++i) expect[de[i].chunk_id] += 1.0 / (60 + static_cast<double>(i + 1));
  for (size_t i = 0; i < hy.size(); ++i) {
    EXPECT_DOUBLE_EQ(hy[i].score, expect[hy[i].chunk_id]) << i;
    if (i > 0) {
      EXPECT_LE(hy[i].score, hy[i - 1].score);
    }
  }
  EXPECT_TRUE(hy[0].document_id == "rust" || hy[0].document_id == "cpp");
  ASSERT_EQ(hy[0].found_by.size(), 2u);
  EXPECT_EQ(hy[0].found_by[0].retriever, "bm25");
  EXPECT_EQ(hy[0].found_by[1].retriever, "dense");
  // Weighted fusion with all weight on dense ranks exactly like dense.
  SearchRequest r;
  r.query = q;
  r.collection = "docs";
  r.top_k = 3;
  r.mode = SearchMode::kHybrid;
  r.fusion = FusionMethod::kWeighted;
  r.dense_weight = 1.0;
  auto w = kb_->search(r);
  ASSERT_TRUE(w.ok());
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ((*w)[i].chunk_id, de[i].chunk_id) << i;
}

TEST_F(DenseTest, MismatchedModelIsRefusedClearly) {
  ASSERT_TRUE(kb_->create_collection("docs").ok());
  add_all();
  open(std::make_shared<HashedEmbedder>(32));
  SearchRequest r;
  r.query = "cats";
  r.collection = "docs";
  r.mode = SearchMode::kDense;
  auto e = kb_->search(r);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(e.error().message.find("test-hashed-ngrams-64"), std::string::npos) << e.error().message;
  EXPECT_NE(e.error().message.find("test-hashed-ngrams-32"), std::string::npos) << e.error().message;
  EXPECT_NE(e.error().message.find("kb embed docs"), std::string::npos) << e.error().message;
  kb_->set_embedder(nullptr);
  e = kb_->search(r);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, ErrorKind::kUnsupported);
  EXPECT_NE(e.error().message.find("--embedding-model"), std::string::npos) << e.error().message;
  ASSERT_TRUE(kb_->create_collection("plain").ok());
  r.collection = "plain";
  e = kb_->search(r);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("has no vectors"), std::string::npos) << e.error().message;
}

TEST_F(DenseTest, ChangingTheModelMarksVectorsStaleAndReembedsIncrementally) {
  ASSERT_TRUE(kb_->create_collection("docs").ok());
  add_all();
  auto next = std::make_shared<HashedEmbedder>(48, "-v2");
  open(next);
  // New documents while the collection still names the old model: stored without vectors.
  NewDocument nd{"tokyo", "tokyo", "Tokyo is the capital of Japan.", "text", "{}", ""};
  ASSERT_TRUE(kb_->add_document("docs", nd).ok());
  EXPECT_EQ(next->texts_embedded(), 0u);
  EXPECT_EQ(kb_->store().vector_counts("docs")->missing, 1);

  // Interrupted after the first batch of 3 …
  auto rep = kb_->embed("docs", [](int64_t done, int64_t) { return done < 3; }, 3);
  ASSERT_TRUE(rep.ok()) << rep.error().message;
  EXPECT_TRUE(rep->model_changed);
  EXPECT_EQ(rep->embedded, 3);
  EXPECT_EQ(rep->remaining, 6);
  auto n = kb_->store().vector_counts("docs");
  EXPECT_EQ(n->current, 3);
  EXPECT_EQ(n->stale, 5);
  EXPECT_EQ(n->missing, 1);
  // … dense search works on what is current, never on stale vectors …
  auto partial = search("capital", SearchMode::kDense, 10);
  EXPECT_EQ(partial.size(), 3u);
  const size_t queries = 1;
  // … and the next run continues where it stopped, with progress up to the total.
  int64_t last_done = 0, last_total = 0;
  rep = kb_->embed("docs", [&](int64_t done, int64_t total) {
    last_done = done;
    last_total = total;
    return true;
  }, 4);
  ASSERT_TRUE(rep.ok());
  EXPECT_FALSE(rep->model_changed);
  EXPECT_EQ(rep->embedded, 6);
  EXPECT_EQ(rep->remaining, 0);
  EXPECT_EQ(last_done, 6);
  EXPECT_EQ(last_total, 6);
  EXPECT_EQ(next->texts_embedded(), 9u + queries);  // every chunk exactly once
  n = kb_->store().vector_counts("docs");
  EXPECT_EQ(n->current, 9);
  EXPECT_EQ(n->stale + n->missing, 0);
  auto hits = search("capital of Japan", SearchMode::kDense, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].document_id, "tokyo");
  // Nothing left: a third run embeds nothing.
  rep = kb_->embed("docs");
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->embedded, 0);
}

class KeywordReranker : public Reranker {
 public:
  std::string model_id() const override { return "keyword-reranker"; }
  Result<std::vector<float>> score(const std::string&, const std::vector<std::string>& docs) override {
    std::vector<float> s;
    for (const auto& d : docs) s.push_back(d.find("Germany") != std::string::npos ? 5.0f : 1.0f / (1 + d.size()));
    return s;
  }
};

TEST_F(DenseTest, RerankReordersTheTopN) {
  ASSERT_TRUE(kb_->create_collection("docs").ok());
  add_all();
  SearchRequest r;
  r.query = "capital river";
  r.collection = "docs";
  r.top_k = 2;
  r.mode = SearchMode::kHybrid;
  r.rerank = RerankSpec{"", 5};
  auto e = kb_->search(r);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, ErrorKind::kUnsupported);
  kb_->set_reranker(std::make_shared<KeywordReranker>());
  auto hits = kb_->search(r);
  ASSERT_TRUE(hits.ok()) << hits.error().message;
  ASSERT_EQ(hits->size(), 2u);
  EXPECT_EQ((*hits)[0].document_id, "berlin");
  EXPECT_DOUBLE_EQ((*hits)[0].score, 5.0);
  EXPECT_EQ((*hits)[0].found_by.back().retriever, "rerank");
  EXPECT_EQ((*hits)[0].found_by.back().rank, 1);
  r.rerank = RerankSpec{"bge-reranker", 5};
  e = kb_->search(r);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("keyword-reranker"), std::string::npos);
}

TEST_F(DenseTest, EncodingsF16AndInt8RankLikeF32) {
  for (const char* enc : {"f16", "int8"}) {
    CollectionConfig c;
    c.vectors = *parse_vector_encoding(enc);
    ASSERT_TRUE(kb_->create_collection(enc, c).ok());
    add_all(enc);
    auto hits = search("capital city of France on the Seine", SearchMode::kDense, 1, enc);
    ASSERT_EQ(hits.size(), 1u) << enc;
    EXPECT_EQ(hits[0].document_id, "paris") << enc;
  }
}

TEST(ExactSearchTest, TopKOrderAndAllowedSubset) {
  StoredVectors v = test::clustered(500, 32, VectorEncoding::kF32, 5);
  const char* q = v.data.data() + 17 * encoded_vector_bytes(VectorEncoding::kF32, 32);
  auto top = exact_top_k(v, q, 5);
  ASSERT_EQ(top.size(), 5u);
  EXPECT_EQ(top[0].first, v.chunk_ids[17]);
  EXPECT_NEAR(top[0].second, 1.0, 1e-5);
  for (size_t i = 1; i < top.size(); ++i) EXPECT_LE(top[i].second, top[i - 1].second);
  std::vector<int64_t> allowed{v.chunk_ids[3], v.chunk_ids[400], 999999};
  auto sub = exact_top_k(v, q, 10, &allowed);
  ASSERT_EQ(sub.size(), 2u);
  std::set<int64_t> got{sub[0].first, sub[1].first};
  EXPECT_EQ(got, (std::set<int64_t>{v.chunk_ids[3], v.chunk_ids[400]}));
}

TEST_F(DenseTest, AnnIndexIsPersistedAndRebuiltWhenDamaged) {
  DenseOptions o;
  o.ann_threshold = 5;  // this small collection gets an HNSW graph
  open(nullptr, o);
  ASSERT_TRUE(kb_->create_collection("docs").ok());
  add_all();
  auto idx = kb_->dense().index("docs");
  ASSERT_TRUE(idx.ok()) << idx.error().message;
  ASSERT_TRUE((*idx)->ann != nullptr);
  EXPECT_NE((*idx)->origin.find("rebuilt"), std::string::npos) << (*idx)->origin;  // no file yet
  auto coll = kb_->store().get_collection("docs");
  const std::string path = kb_->dense().index_path(*coll);
  ASSERT_TRUE(std::filesystem::exists(path));
  ASSERT_TRUE(std::filesystem::exists(path + ".meta"));
  auto expected = search("capital of Germany", SearchMode::kDense, 3);

  // A fresh process loads the graph from disk.
  open(nullptr, o);
  idx = kb_->dense().index("docs");
  ASSERT_TRUE(idx.ok());
  EXPECT_EQ((*idx)->origin, "hnsw loaded");
  auto again = search("capital of Germany", SearchMode::kDense, 3);
  ASSERT_EQ(again.size(), expected.size());
  for (size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].chunk_id, expected[i].chunk_id);

  // Damage: flip bytes in the middle of the graph file.
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(path) / 2));
    f.write("\xff\xff\xff\xff\xff\xff\xff\xff", 8);
  }
  open(nullptr, o);
  idx = kb_->dense().index("docs");
  ASSERT_TRUE(idx.ok());
  EXPECT_NE((*idx)->origin.find("damaged"), std::string::npos) << (*idx)->origin;
  again = search("capital of Germany", SearchMode::kDense, 3);
  ASSERT_EQ(again.size(), expected.size());
  for (size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].chunk_id, expected[i].chunk_id);

  // Truncated, and missing: rebuilt as well.
  std::filesystem::resize_file(path, 10);
  open(nullptr, o);
  idx = kb_->dense().index("docs");
  ASSERT_TRUE(idx.ok());
  EXPECT_NE((*idx)->origin.find("rebuilt"), std::string::npos) << (*idx)->origin;
  std::filesystem::remove(path);
  open(nullptr, o);
  idx = kb_->dense().index("docs");
  ASSERT_TRUE(idx.ok());
  EXPECT_NE((*idx)->origin.find("rebuilt"), std::string::npos) << (*idx)->origin;

  // A change to the collection makes the cached and the persisted graph stale.
  NewDocument nd{"tokyo", "tokyo", "Tokyo is the capital of Japan.", "text", "{}", ""};
  ASSERT_TRUE(kb_->add_document("docs", nd).ok());
  auto hits = search("capital of Japan", SearchMode::kDense, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].document_id, "tokyo");
  idx = kb_->dense().index("docs");
  EXPECT_NE((*idx)->origin.find("differs"), std::string::npos) << (*idx)->origin;

  // Deleting the collection removes its graph.
  ASSERT_TRUE(kb_->delete_collection("docs").ok());
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace ls::kb

namespace ls::kb {
namespace {

TEST(BeirEvalModes, ReportsEveryModeOnOneIngestion) {
  test::ScratchDir dir;
  test::write_file(dir / "corpus.jsonl",
                   R"({"_id":"d1","title":"Pandas","text":"The giant panda eats bamboo in Sichuan."})" "\n"
                   R"({"_id":"d2","title":"Tea","text":"Green tea is dried quickly so it is not oxidised."})" "\n"
                   R"({"_id":"d3","title":"Rust","text":"Rust is a systems programming language."})" "\n");
  test::write_file(dir / "queries.jsonl",
                   R"({"_id":"q1","text":"what do giant pandas eat"})" "\n"
                   R"({"_id":"q2","text":"green tea oxidation"})" "\n");
  test::write_file(dir / "qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n");
  EvalOptions o;
  o.dataset_dir = dir.path();
  o.modes = {SearchMode::kBm25, SearchMode::kDense, SearchMode::kHybrid};
  auto missing = evaluate_beir(o);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("--embedding-model"), std::string::npos);
  o.embedder = std::make_shared<HashedEmbedder>(128);  // test double, see kb/hashed_embedder.h
  auto r = evaluate_beir(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->per_mode.size(), 3u);
  EXPECT_EQ(r->embedding_model, "test-hashed-ngrams-128");
  EXPECT_EQ(r->queries, 2);
  for (const auto& m : r->per_mode) {
    EXPECT_GT(m.mrr_at_10, 0.0) << search_mode_name(m.mode);
    EXPECT_LE(m.ndcg_at_10, 1.0);
    EXPECT_DOUBLE_EQ(m.recall_at_100, 1.0) << search_mode_name(m.mode);  // 3 documents: all are returned
  }
  EXPECT_EQ(r->per_mode[1].mode, SearchMode::kDense);
  EXPECT_DOUBLE_EQ(r->ndcg_at_10, r->per_mode[0].ndcg_at_10);
}

}  // namespace
}  // namespace ls::kb
