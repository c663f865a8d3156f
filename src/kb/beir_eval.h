// Retrieval-quality evaluation on a BEIR-layout dataset folder:
//   corpus.jsonl ({"_id","title","text"}), queries.jsonl ({"_id","text"}), qrels/<split>.tsv
//   (header, then query-id<TAB>corpus-id<TAB>score).
// The corpus is ingested through the normal pipeline (parse → chunk → FTS5, and chunk vectors when
// an embedding model is given) into a scratch data directory; every query with judgements is run
// through KnowledgeBase::search in each requested mode (bm25, dense, hybrid); chunk hits are folded to
// documents (a document ranks at its best chunk). Metrics follow trec_eval conventions:
// nDCG@10 (gain = qrels score, log2(rank+1) discount, ideal from the qrels), recall@100, MRR@10.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kb/dense_retriever.h"
#include "kb/embedder.h"
#include "kb/types.h"

namespace ls::kb {

struct EvalOptions {
  std::string dataset_dir;
  std::string split;          // empty: "test" if present, else the only qrels file
  // Analyzer, chunking and BM25 parameters to evaluate. BEIR ranks whole documents, so by default
  // each document is one chunk (chunk_tokens = 8192); smaller sizes evaluate passage chunking, a
  // document then ranking at its best chunk.
  CollectionConfig config = whole_documents();
  static CollectionConfig whole_documents() {
    CollectionConfig c;
    c.chunk_tokens = 8192;
    c.chunk_overlap = 0;
    return c;
  }
  std::string scratch_dir;    // empty: a fresh folder under $TMPDIR (removed afterwards)
  int top_k = 1000;           // chunks retrieved per query; small values measure interactive latency
                              // (recall@100 then undercounts)
  bool fetch_text = false;    // also fetch chunk text, as an interactive search does
  std::vector<SearchMode> modes{SearchMode::kBm25};
  std::shared_ptr<Embedder> embedder;  // needed by dense and hybrid
  FusionMethod fusion = FusionMethod::kRrf;
  int rrf_k = 60;
  double dense_weight = 0.5;
  DenseOptions dense;                  // ANN threshold and HNSW settings
};

struct ModeMetrics {
  SearchMode mode = SearchMode::kBm25;
  double ndcg_at_10 = 0, recall_at_100 = 0, mrr_at_10 = 0;
  double p50_ms = 0, p99_ms = 0, mean_ms = 0;
  double p50_cpu_ms = 0, p99_cpu_ms = 0;
};

struct EvalResult {
  std::string split;
  int64_t queries = 0;
  int64_t documents = 0;
  int64_t chunks = 0;
  double ndcg_at_10 = 0, recall_at_100 = 0, mrr_at_10 = 0;
  double p50_ms = 0, p99_ms = 0, mean_ms = 0;  // wall-clock query latency
  double p50_cpu_ms = 0, p99_cpu_ms = 0;         // CPU time of the query thread (robust on a busy machine)
  double ingest_s = 0;          // includes embedding the chunks when dense or hybrid is evaluated
  int64_t corpus_bytes = 0;
  std::string embedding_model;  // "" when no mode needed vectors
  std::vector<ModeMetrics> per_mode;  // one per requested mode, in order; the fields above repeat the first
};

Result<EvalResult> evaluate_beir(const EvalOptions& opts);

// Metric helpers over a ranked list of document ids and the judged relevant documents.
double ndcg_at(const std::vector<std::string>& ranked, const std::vector<std::pair<std::string, int>>& qrels, size_t k);
double recall_at(const std::vector<std::string>& ranked, const std::vector<std::pair<std::string, int>>& qrels, size_t k);
double mrr_at(const std::vector<std::string>& ranked, const std::vector<std::pair<std::string, int>>& qrels, size_t k);

}  // namespace ls::kb
