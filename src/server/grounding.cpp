#include "server/grounding.h"

#include <algorithm>
#include <filesystem>

#include "server/backend_query_model.h"
#include "util/log.h"
#include "util/strings.h"

namespace ls::server {
namespace {

using json = nlohmann::json;

const std::vector<double> kSecondsBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

ApiError field_error(const std::string& field, const std::string& what) {
  return ApiError::invalid("'localseek." + field + "' " + what, "localseek." + field);
}

}  // namespace

Result<RagAlias> parse_rag_alias(const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0)
    return Error::invalid("--rag-alias '" + spec + "': expected NAME=COLLECTION[,COLLECTION][+web]");
  RagAlias a;
  a.name = spec.substr(0, eq);
  std::string rest = spec.substr(eq + 1);
  const size_t plus = rest.find('+');
  if (plus != std::string::npos) {
    const std::string flag = rest.substr(plus + 1);
    if (flag != "web") return Error::invalid("--rag-alias '" + spec + "': unknown flag '+" + flag + "' (only +web)");
    a.web = true;
    rest = rest.substr(0, plus);
  }
  for (const auto& c : split(rest, ","))
    if (!trim(c).empty()) a.collections.emplace_back(trim(c));
  if (a.collections.empty() && !a.web)
    return Error::invalid("--rag-alias '" + spec + "': names no collection and no +web");
  return a;
}

json citations_json(const std::vector<rag::Citation>& citations) {
  json out = json::array();
  for (const auto& c : citations)
    out.push_back({{"n", c.n}, {"title", c.title}, {"url_or_source", c.url_or_source}, {"collection", c.collection},
                   {"chunk_id", c.chunk_id}, {"snippet", c.snippet}});
  return out;
}

Grounding::Grounding(GroundingConfig config, MetricsRegistry& m)
    : config_(std::move(config)),
      search_seconds_(m.histogram("localseek_rag_web_search_seconds", "Web search provider latency", kSecondsBuckets,
                                  {"provider"})),
      search_errors_(m.counter("localseek_rag_web_search_errors_total", "Web searches that failed", {"provider"})),
      cache_hits_(m.counter("localseek_rag_cache_hits_total", "Web cache hits (search answers and pages)", {"kind"})),
      stage_seconds_(m.histogram("localseek_rag_stage_seconds",
                                 "Time per RAG stage (rewrite, retrieve, search, fetch, rerank); prefill and generation "
                                 "are localseek_time_to_first_token_seconds and the request latency",
                                 kSecondsBuckets, {"stage"})),
      requests_(m.counter("localseek_rag_requests_total", "Grounded chat requests", {"via"})),
      rewrites_(m.counter("localseek_rag_query_rewrites_total",
                          "Search queries the model was asked to rewrite, by whether its query was used", {"outcome"})) {}

Result<std::shared_ptr<Grounding>> Grounding::create(GroundingConfig config, MetricsRegistry& metrics) {
  std::shared_ptr<Grounding> g(new Grounding(std::move(config), metrics));
  g->kb_ = g->config_.kb;
  if (g->config_.web) {
    const std::string cache = g->config_.data_dir.empty() ? "" : g->config_.data_dir + "/web_cache.sqlite";
    LS_ASSIGN_OR_RETURN(g->web_, rag::open_web_retriever(*g->config_.web, g->config_.fetch, cache, &g->setup_warnings_));
    for (const auto& w : g->setup_warnings_) log::warn("serve: " + w);
  }
  return g;
}

ApiResult<rag::RagOptions> Grounding::options_from(const json& ext, rag::RagOptions o) const {
  if (!ext.is_object()) return field_error("", "must be an object");
  if (auto k = ext.find("knowledge"); k != ext.end() && !k->is_null()) {
    if (!k->is_object()) return field_error("knowledge", "must be an object");
    if (auto c = k->find("collections"); c != k->end()) {
      if (!c->is_array()) return field_error("knowledge.collections", "must be an array of names");
      o.collections.clear();
      for (const auto& name : *c) {
        if (!name.is_string() || name.get<std::string>().empty())
          return field_error("knowledge.collections", "must hold non-empty strings");
        o.collections.push_back(name.get<std::string>());
      }
      if (o.collections.size() > 16) return field_error("knowledge.collections", "names more than 16 collections");
    }
    if (auto t = k->find("top_k"); t != k->end()) {
      if (!t->is_number_integer() || t->get<int64_t>() < 1 || t->get<int64_t>() > 100)
        return field_error("knowledge.top_k", "must be an integer in [1, 100]");
      o.top_k = t->get<int>();
    }
    if (auto m = k->find("mode"); m != k->end()) {
      if (!m->is_string()) return field_error("knowledge.mode", "must be bm25, dense or hybrid");
      auto mode = rag::parse_retrieval_mode(m->get<std::string>());
      if (!mode.ok()) return field_error("knowledge.mode", "must be bm25, dense or hybrid");
      o.mode = *mode;
    }
  }
  if (auto q = ext.find("query_rewrite"); q != ext.end() && !q->is_null()) {
    if (!q->is_boolean()) return field_error("query_rewrite", "must be true or false");
    o.rewrite_query = q->get<bool>();
  }
  if (auto w = ext.find("web_search"); w != ext.end() && !w->is_null()) {
    if (!w->is_object()) return field_error("web_search", "must be an object");
    if (auto e = w->find("enabled"); e != w->end()) {
      if (!e->is_boolean()) return field_error("web_search.enabled", "must be true or false");
      o.web = e->get<bool>();
    }
    if (auto n = w->find("max_results"); n != w->end()) {
      if (!n->is_number_integer() || n->get<int64_t>() < 1 || n->get<int64_t>() > 20)
        return field_error("web_search.max_results", "must be an integer in [1, 20]");
      o.web_max_results = n->get<int>();
    }
  }
  return o;
}

void Grounding::record(const rag::RagResult& r, bool rewrite_asked) {
  if (rewrite_asked) {
    stage_seconds_.with({"rewrite"}).observe(r.timings.rewrite_s);
    rewrites_.with({r.query_rewritten ? "used" : "fallback"}).inc();
  }
  stage_seconds_.with({"retrieve"}).observe(r.timings.retrieve_s);
  if (web_ && (r.web.search_seconds > 0 || r.web.search_failed)) {
    const std::string& provider = web_->provider().name();
    if (!r.web.search_cache_hit) search_seconds_.with({provider}).observe(r.web.search_seconds);
    if (r.web.search_failed) search_errors_.with({provider}).inc();
    if (r.web.search_cache_hit) cache_hits_.with({"search"}).inc();
    if (r.web.page_cache_hits > 0) cache_hits_.with({"page"}).inc(r.web.page_cache_hits);
    stage_seconds_.with({"search"}).observe(r.timings.search_s);
    stage_seconds_.with({"fetch"}).observe(r.timings.fetch_s);
    stage_seconds_.with({"rerank"}).observe(r.timings.rerank_s);
  }
}

ApiResult<GroundedChat> Grounding::apply(std::string_view body, std::string& model,
                                         const std::vector<ChatMessage>& messages, Backend* backend) {
  GroundedChat g;
  rag::RagOptions o;
  o.rewrite_query = config_.query_rewrite;
  const char* via = nullptr;
  auto alias = std::find_if(config_.aliases.begin(), config_.aliases.end(),
                            [&](const RagAlias& a) { return a.name == model; });
  if (alias != config_.aliases.end()) {
    o.collections = alias->collections;
    o.web = alias->web;
    model.clear();
    via = "alias";
  }
  json doc = json::parse(body, nullptr, false);
  if (doc.is_object()) {
    if (auto ext = doc.find("localseek"); ext != doc.end() && !ext->is_null()) {
      auto parsed = options_from(*ext, o);
      if (!parsed.ok()) return parsed.error();
      o = std::move(parsed).value();
      via = "extension";
    }
  }
  if (via == nullptr) return g;
  if (!o.collections.empty() && !kb_)
    return ApiError::invalid("knowledge collections were asked for but the server has no knowledge base (--data)",
                             "localseek.knowledge.collections");
  rag::TokenCounter count;
  if (backend != nullptr) {
    count = [backend](std::string_view t) {
      auto ids = backend->tokenize(t, false, false);
      return ids.ok() ? static_cast<int>(ids->size()) : static_cast<int>(t.size() / 3);
    };
    const int ctx = backend->info().context_length;
    if (ctx > 0) o.pack.budget_tokens = std::max(128, ctx / 2 - 256);
  }
  rag::RagPipeline pipeline(kb_.get(), web_, count);
  if (backend != nullptr) pipeline.set_query_model(backend_query_model(*backend, config_.rewrite_timeout_s));
  std::vector<rag::Message> conv;
  for (const auto& m : messages) conv.push_back({m.role, m.content});
  auto r = pipeline.prepare(conv, o);
  if (!r.ok()) {
    const Error& e = r.error();
    return ApiError::from(e, e.kind == ErrorKind::kNotFound ? "localseek.knowledge.collections" : "messages");
  }
  requests_.with({via}).inc();
  record(*r, o.rewrite_query);
  for (const auto& d : r->dropped)
    log::info("rag: dropped passage (" + d.reason + "): " + d.passage.source);
  g.active = true;
  for (const auto& m : r->messages) g.messages.push_back({m.role, m.content});
  g.passages = r->passages.size();
  g.extra = {{"citations", citations_json(r->citations)},
             {"warnings", r->warnings},
             {"search_query", {{"query", r->query}, {"rewritten", r->query_rewritten}}}};
  return g;
}

}  // namespace ls::server
