// Grounded chat completions (rag/) wired into the server: the "localseek" request extension
//   "localseek": {"knowledge": {"collections": [...], "top_k": 6, "mode": "bm25|dense|hybrid"},
//                 "web_search": {"enabled": true, "max_results": 5}, "query_rewrite": true}
// (other OpenAI servers ignore it), and model aliases (--rag-alias NAME=COLL[,COLL][+web]) that turn
// it on for clients that cannot send extra fields. A grounded request gets its last user turn
// prefixed with the numbered sources, and its response carries "citations", "warnings" and
// "search_query" ({"query", "rewritten"}: what was searched for, and whether the model wrote it).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rag/rag_pipeline.h"
#include "server/api_error.h"
#include "server/backend.h"
#include "server/metrics_registry.h"

namespace ls::server {

struct RagAlias {
  std::string name;
  std::vector<std::string> collections;
  bool web = false;
};

// "NAME=COLL[,COLL…][+web]" ("NAME=+web": web only).
Result<RagAlias> parse_rag_alias(const std::string& spec);

struct GroundingConfig {
  std::shared_ptr<kb::KnowledgeBase> kb;      // the server's knowledge base (null: none)
  std::string data_dir;                       // where the web cache lives; empty: no cache
  std::vector<RagAlias> aliases;
  std::optional<rag::WebSearchConfig> web;    // unset: web search unavailable
  rag::WebFetchOptions fetch;
  bool query_rewrite = false;                 // default of localseek.query_rewrite (--rag-query-rewrite)
  double rewrite_timeout_s = rag::kRewriteTimeoutSeconds;
};

// The request after grounding.
struct GroundedChat {
  bool active = false;                 // false: no extension, no alias; nothing changed
  std::vector<ChatMessage> messages;
  size_t passages = 0;                 // [n] markers above this are removed from the answer
  nlohmann::json extra;                // {"citations": [...], "warnings": [...]}
};

class Grounding {
 public:
  static Result<std::shared_ptr<Grounding>> create(GroundingConfig config, MetricsRegistry& metrics);

  // The extension (or alias) of this chat request applied; `model` is reset to "" when it named an
  // alias. Bad extension fields are a 400 naming the field; retrieval trouble is a warning.
  // `backend` also rewrites the search query when the request asks for it.
  ApiResult<GroundedChat> apply(std::string_view body, std::string& model, const std::vector<ChatMessage>& messages,
                                Backend* backend);

  const std::vector<RagAlias>& aliases() const { return config_.aliases; }

 private:
  Grounding(GroundingConfig config, MetricsRegistry& metrics);
  ApiResult<rag::RagOptions> options_from(const nlohmann::json& ext, rag::RagOptions base) const;
  void record(const rag::RagResult& r, bool rewrite_asked);

  GroundingConfig config_;
  std::shared_ptr<kb::KnowledgeBase> kb_;
  std::shared_ptr<rag::WebRetriever> web_;
  std::vector<std::string> setup_warnings_;
  MetricFamily<Histogram>& search_seconds_;   // {provider}
  MetricFamily<Counter>& search_errors_;      // {provider}
  MetricFamily<Counter>& cache_hits_;         // {kind}
  MetricFamily<Histogram>& stage_seconds_;    // {stage}
  MetricFamily<Counter>& requests_;           // {kind}
  MetricFamily<Counter>& rewrites_;           // {outcome}: used | fallback
};

// The citation objects of the response.
nlohmann::json citations_json(const std::vector<rag::Citation>& citations);

}  // namespace ls::server
