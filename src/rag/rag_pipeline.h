// Grounded answers, the part before generation: conversation → search query → knowledge-base and
// web retrieval → dedupe and packing within the token budget → a grounded prompt with numbered,
// fenced passages and the citations that go with them. The server and `localseek ask` both call it.
//
// Retrieval modes (knowledge.mode): bm25, dense (nearest chunk vectors) and hybrid (RRF of both),
// through kb::KnowledgeBase::search. When a collection cannot answer densely (no embedding model
// loaded, no vectors, another model) the pipeline uses bm25 for it and says so in a warning.
// Web chunks are ranked with BM25 over the fetched chunks, fused (RRF) with dense similarity
// when an embedding model is available (the knowledge base's, or set_embedder()).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kb/knowledge_base.h"
#include "rag/context_packer.h"
#include "rag/conversation.h"
#include "rag/passage.h"
#include "rag/query_rewrite.h"
#include "rag/web_retriever.h"
#include "util/error.h"

namespace ls::rag {

enum class RetrievalMode { kBm25, kDense, kHybrid };
Result<RetrievalMode> parse_retrieval_mode(const std::string& name);  // bm25 | dense | hybrid
const char* retrieval_mode_name(RetrievalMode m);

struct RagOptions {
  std::vector<std::string> collections;
  int top_k = 6;                 // kb passages per collection
  RetrievalMode mode = RetrievalMode::kBm25;
  bool web = false;
  int web_max_results = 5;
  bool rewrite_query = false;    // ask the chat model (set_query_model) for the search query
  PackOptions pack;
};

struct Citation {
  size_t n = 0;
  std::string title;
  std::string url_or_source;
  std::string collection;
  int64_t chunk_id = 0;
  std::string snippet;
};

struct RagTimings {
  double rewrite_s = 0, retrieve_s = 0, search_s = 0, fetch_s = 0, rerank_s = 0;
};

struct RagResult {
  std::string query;               // what was searched for
  bool query_rewritten = false;    // by the model (RagOptions::rewrite_query); else the heuristic's
  Language language = Language::kEnglish;
  std::vector<Message> messages;   // the grounded conversation to render and generate from
  std::vector<Passage> passages;   // packed, citation n = index + 1
  std::vector<Citation> citations;
  std::vector<Dropped> dropped;
  std::vector<std::string> warnings;
  int context_tokens = 0;
  RagTimings timings;
  WebReport web;
};

class RagPipeline {
 public:
  // Any of kb and web may be null (no knowledge base / web search configured).
  RagPipeline(kb::KnowledgeBase* kb, std::shared_ptr<WebRetriever> web, TokenCounter count)
      : kb_(kb), web_(std::move(web)), count_(count ? std::move(count) : estimate_counter()),
        embedder_(kb != nullptr ? kb->embedder() : nullptr) {}

  // The embedding model used to rank web chunks (default: the knowledge base's).
  void set_embedder(kb::Embedder* e) { embedder_ = e; }
  // The chat model that rewrites the search query when a request asks for it (rag/query_rewrite.h).
  void set_query_model(QueryModel m) { query_model_ = std::move(m); }

  // Errors only for bad requests (unknown collection, no user turn, bad top_k); everything that
  // fails on the way (web search, pages) becomes a warning.
  Result<RagResult> prepare(const std::vector<Message>& messages, const RagOptions& options) const;

  // Only the retrieval and packing, for evaluation: passages for one query.
  Result<RagResult> retrieve(const std::string& query, const RagOptions& options) const;

 private:
  kb::KnowledgeBase* kb_;
  std::shared_ptr<WebRetriever> web_;
  TokenCounter count_;
  kb::Embedder* embedder_ = nullptr;
  QueryModel query_model_;
};

// A citation per packed passage (snippet: the passage's first ~200 characters).
std::vector<Citation> make_citations(const std::vector<Passage>& passages);

}  // namespace ls::rag
