// Web results as passages: search (cached) → fetch the top pages through kb::fetch_url (SSRF guard,
// size/time/redirect limits) → charset decoding (GBK included) → kb's HTML extraction → kb's chunker
// → BM25 over the fetched chunks. Every failure becomes a warning, never an error: the answer goes on
// without what failed. Pages are fetched a few at a time in parallel, so slow pages cost about one page deadline each
// per parallel_fetches of them, not one each.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rag/passage.h"
#include "rag/passage_ranker.h"
#include "rag/web_cache.h"
#include "rag/web_search.h"

namespace ls::rag {

struct WebFetchOptions {
  int max_results = 5;                     // search results asked for, and pages fetched
  long page_timeout_s = 5;                 // per page, redirects included
  size_t max_page_bytes = 2u << 20;
  int max_redirects = 3;
  int parallel_fetches = 4;                // pages fetched at once (threads, and connections per site)
  std::vector<std::string> allow_hosts;    // private hosts allowed (tests, intranet search)
  int chunk_tokens = 256;
  int max_passages = 8;                    // best chunks kept over all pages
  int64_t cache_ttl_s = 3600;              // 0: no caching
};

// What happened, for warnings in the answer and the server's metrics.
struct WebReport {
  std::vector<std::string> warnings;
  double search_seconds = 0, fetch_seconds = 0, rank_seconds = 0;
  bool search_failed = false;
  bool search_cache_hit = false;
  int page_cache_hits = 0;
  int pages_fetched = 0, pages_failed = 0;
};

// Extracted text of one fetched body by content type (html/xhtml, text/plain); an error for others.
// Exposed for tests: charset from <meta> or the detector, then kb's HTML pipeline.
struct PageText {
  std::string title;
  std::vector<std::string> chunks;
};
Result<PageText> extract_page(const std::string& content_type, const std::string& body, int chunk_tokens);

class WebRetriever {
 public:
  // `cache` may be null (no caching).
  WebRetriever(std::shared_ptr<WebSearch> search, std::shared_ptr<WebCache> cache, WebFetchOptions options)
      : search_(std::move(search)), cache_(std::move(cache)), options_(std::move(options)) {}

  // `max_results` 0: the options' number of results.
  std::vector<Passage> retrieve(const std::string& query, WebReport& report, const PassageScorer& scorer = {},
                                int max_results = 0);
  const WebSearch& provider() const { return *search_; }
  const WebFetchOptions& options() const { return options_; }

 private:
  Result<std::vector<WebResult>> search_cached(const std::string& query, int max_results, WebReport& report);
  Result<PageText> page_cached(const std::string& url, WebReport& report);

  std::shared_ptr<WebSearch> search_;
  std::shared_ptr<WebCache> cache_;
  WebFetchOptions options_;
};

}  // namespace ls::rag

namespace ls::rag {

// The provider from `config` plus a cache file at `cache_path` ("" = no cache; a cache that cannot
// be opened only costs caching, so it is then left out with a warning in `warnings`).
Result<std::shared_ptr<WebRetriever>> open_web_retriever(const WebSearchConfig& config, const WebFetchOptions& options,
                                                         const std::string& cache_path,
                                                         std::vector<std::string>* warnings = nullptr);

}  // namespace ls::rag
