#include "rag/rag_pipeline.h"

#include <chrono>

#include "rag/grounded_prompt.h"
#include "util/log.h"
#include "util/strings.h"

namespace ls::rag {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string snippet_of(const std::string& text, size_t max_bytes = 200) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

// kb hits of each collection and the web passages, interleaved best-first (their scores are not
// comparable, their ranks are).
std::vector<Passage> interleave(std::vector<std::vector<Passage>> lists) {
  std::vector<Passage> out;
  for (size_t rank = 0;; ++rank) {
    bool any = false;
    for (auto& l : lists) {
      if (rank < l.size()) {
        out.push_back(std::move(l[rank]));
        any = true;
      }
    }
    if (!any) break;
  }
  return out;
}

}  // namespace

Result<RetrievalMode> parse_retrieval_mode(const std::string& name) {
  if (name == "bm25") return RetrievalMode::kBm25;
  if (name == "dense") return RetrievalMode::kDense;
  if (name == "hybrid") return RetrievalMode::kHybrid;
  return Error::invalid("unknown retrieval mode '" + name + "' (bm25, dense, hybrid)");
}

const char* retrieval_mode_name(RetrievalMode m) {
  switch (m) {
    case RetrievalMode::kDense: return "dense";
    case RetrievalMode::kHybrid: return "hybrid";
    default: return "bm25";
  }
}

std::vector<Citation> make_citations(const std::vector<Passage>& passages) {
  std::vector<Citation> out;
  for (size_t i = 0; i < passages.size(); ++i) {
    const Passage& p = passages[i];
    out.push_back({i + 1, p.title, p.source, p.collection, p.chunk_id, snippet_of(p.text)});
  }
  return out;
}

Result<RagResult> RagPipeline::retrieve(const std::string& query, const RagOptions& o) const {
  if (o.top_k < 1 || o.top_k > 100) return Error::invalid("top_k must be in [1, 100], got " + std::to_string(o.top_k));
  RagResult r;
  r.query = query;
  r.language = detect_language(query);
  std::vector<std::vector<Passage>> lists;

  auto t0 = Clock::now();
  if (!o.collections.empty() && kb_ == nullptr) return Error::unsupported("no knowledge base is configured (--data)");
  for (const auto& coll : o.collections) {
    kb::SearchRequest req;
    req.query = query;
    req.collection = coll;
    req.top_k = o.top_k;
    req.mode = o.mode == RetrievalMode::kDense    ? kb::SearchMode::kDense
               : o.mode == RetrievalMode::kHybrid ? kb::SearchMode::kHybrid
                                                  : kb::SearchMode::kBm25;
    auto found = kb_->search(req);
    if (!found.ok() && req.mode != kb::SearchMode::kBm25 && found.error().kind != ErrorKind::kNotFound) {
      r.warnings.push_back(std::string(retrieval_mode_name(o.mode)) + " retrieval unavailable for collection '" +
                           coll + "' (used bm25): " + found.error().message);
      req.mode = kb::SearchMode::kBm25;
      found = kb_->search(req);
    }
    if (!found.ok()) return found.error();
    std::vector<kb::SearchHit> hits = std::move(found).value();
    std::vector<Passage> ps;
    for (auto& h : hits)
      ps.push_back({"kb", h.title, h.source, coll, h.document_id, h.chunk_id, std::move(h.text), h.score});
    lists.push_back(std::move(ps));
  }
  r.timings.retrieve_s = since(t0);

  if (o.web) {
    if (!web_) {
      r.warnings.push_back("web search requested but no provider is configured; answering without web results");
    } else {
      PassageScorer scorer;
      if (embedder_ != nullptr) scorer = hybrid_scorer(*embedder_, &r.web.warnings);
      std::vector<Passage> ps = web_->retrieve(query, r.web, scorer, o.web_max_results);
      r.timings.search_s = r.web.search_seconds;
      r.timings.fetch_s = r.web.fetch_seconds;
      r.timings.rerank_s = r.web.rank_seconds;
      for (auto& w : r.web.warnings) r.warnings.push_back(w);
      lists.push_back(std::move(ps));
    }
  }

  Packed packed = pack_context(interleave(std::move(lists)), o.pack, count_, render_passage);
  for (const auto& d : packed.dropped)
    log::info("rag: dropped passage (" + d.reason + "): " + d.passage.source + " #" + std::to_string(d.passage.chunk_id));
  r.passages = std::move(packed.passages);
  r.dropped = std::move(packed.dropped);
  r.context_tokens = packed.tokens;
  r.citations = make_citations(r.passages);
  return r;
}

Result<RagResult> RagPipeline::prepare(const std::vector<Message>& messages, const RagOptions& o) const {
  QueryChoice q = choose_query(messages, o.rewrite_query && query_model_ ? &query_model_ : nullptr);
  if (q.query.empty()) return Error::invalid("messages: no user turn to answer");
  LS_ASSIGN_OR_RETURN(RagResult r, retrieve(q.query, o));
  r.query_rewritten = q.rewritten;
  r.timings.rewrite_s = q.seconds;
  if (o.rewrite_query && !query_model_)
    r.warnings.insert(r.warnings.begin(), "query rewrite was asked for but no chat model is available to rewrite it; "
                                          "searched with the query from the conversation");
  if (!q.warning.empty()) r.warnings.insert(r.warnings.begin(), q.warning);
  // The user's language is that of the last turn, not of the (possibly longer) query.
  for (auto it = messages.rbegin(); it != messages.rend(); ++it)
    if (it->role == "user") {
      r.language = detect_language(it->content);
      break;
    }
  r.messages = grounded_messages(messages, r.passages, r.language);
  return r;
}

}  // namespace ls::rag
