// POST /v1/embeddings (OpenAI) and POST /v1/rerank, /rerank (llama-server / vLLM format) on the
// models given to `serve --embedding-model / --rerank-model`. Each model runs one batch at a time,
// so each has its own bounded admission queue (ServerState::embed_queue / rerank_queue: one
// running, --queue-max waiting, then 429 with Retry-After), separate from generation's so that
// a burst of embeddings never waits behind long chats nor takes their slots. Requests are checked
// (format, model name) before they queue; tokenising and the model run after admission.
#include <algorithm>
#include <chrono>
#include <functional>
#include <numeric>
#include <optional>

#include "embed/model_embedder.h"
#include "embed/model_reranker.h"
#include "model/pooling.h"
#include "server/admission_error.h"
#include "server/connection_probe.h"
#include "server/embedding_request.h"
#include "server/http_reply.h"
#include "server/routes.h"
#include "server/served_models.h"
#include "util/utf8.h"

namespace ls::server {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Waits for the request's turn in its model's queue; the error to answer with when it gets none.
using Admit = std::function<std::optional<ApiError>()>;

ApiResult<json> embeddings(ServerState& st, const httplib::Request& req, const Admit& admit) {
  if (!st.embedder) {
    return ApiError::not_implemented("this server has no embedding model; start it with --embedding-model MODEL.gguf");
  }
  if (st.draining.load()) return ApiError::unavailable("the server is shutting down");
  auto parsed = parse_embedding_request(req.body);
  if (!parsed.ok()) return parsed.error();
  const EmbeddingRequest& r = parsed.value();
  embed::ModelEmbedder& e = *st.embedder;
  if (auto wrong = check_requested_model(r.model, e.model(), "/v1/embeddings")) return *wrong;
  const int full = e.dimension();
  if (r.dimensions) {
    if (*r.dimensions > full) {
      return ApiError::invalid("'dimensions' is " + std::to_string(*r.dimensions) + " but the model gives " +
                                   std::to_string(full),
                               "dimensions");
    }
    // Only Matryoshka-trained models keep their meaning when cut; of ours that is Qwen3-Embedding.
    if (*r.dimensions < full && !e.model().is_decoder()) {
      return ApiError::invalid("this model does not support 'dimensions' (its vectors cannot be shortened); omit it "
                               "or pass " + std::to_string(full),
                               "dimensions");
    }
  }
  if (auto refused = admit()) return *refused;
  const auto purpose = r.query ? kb::EmbedPurpose::kQuery : kb::EmbedPurpose::kDocument;
  std::vector<std::vector<int32_t>> seqs;
  seqs.reserve(r.inputs.size());
  for (size_t i = 0; i < r.inputs.size(); ++i) {
    const std::string field = r.inputs.size() == 1 ? "input" : "input[" + std::to_string(i) + "]";
    if (const auto* text = std::get_if<std::string>(&r.inputs[i])) {
      auto ids = e.input_tokens(*text, purpose, r.truncate);
      if (!ids.ok()) return ApiError::from(ids.error(), field);
      seqs.push_back(std::move(ids).value());
    } else {
      std::vector<int32_t> ids = std::get<std::vector<int32_t>>(r.inputs[i]);
      const int max = e.model().max_tokens();
      if (static_cast<int>(ids.size()) > max) {
        if (!r.truncate) {
          return ApiError::invalid(field + " has " + std::to_string(ids.size()) + " tokens but the model takes at most " +
                                       std::to_string(max),
                                   field, "context_length_exceeded");
        }
        ids.resize(static_cast<size_t>(max));
      }
      seqs.push_back(std::move(ids));
    }
  }
  auto vecs = e.embed_tokens(seqs);
  if (!vecs.ok()) return ApiError::from(vecs.error(), "input");
  json data = json::array();
  int64_t tokens = 0;
  for (size_t i = 0; i < vecs->size(); ++i) {
    std::vector<float>& v = (*vecs)[i];
    if (r.dimensions && *r.dimensions < full) {
      v.resize(static_cast<size_t>(*r.dimensions));
      if (e.options().normalize) model::l2_normalize(v.data(), static_cast<int64_t>(v.size()));
    }
    tokens += static_cast<int64_t>(seqs[i].size());
    json item = {{"object", "embedding"}, {"index", i}};
    if (r.base64) {
      item["embedding"] = base64_floats(v);
    } else {
      item["embedding"] = v;
    }
    data.push_back(std::move(item));
  }
  st.embed_metrics.embedding_texts.inc(static_cast<double>(seqs.size()));
  st.embed_metrics.embedding_tokens.inc(static_cast<double>(tokens));
  return json{{"object", "list"},
              {"data", std::move(data)},
              {"model", r.model.empty() ? embedding_model_info(e.model()).id : r.model},
              {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}};
}

ApiResult<json> rerank(ServerState& st, const httplib::Request& req, const Admit& admit) {
  if (!st.reranker) {
    return ApiError::not_implemented("this server has no reranker model; start it with --rerank-model MODEL.gguf");
  }
  if (st.draining.load()) return ApiError::unavailable("the server is shutting down");
  auto parsed = parse_rerank_request(req.body);
  if (!parsed.ok()) return parsed.error();
  const RerankRequest& r = parsed.value();
  if (auto wrong = check_requested_model(r.model, st.reranker->model(), "/v1/rerank")) return *wrong;
  if (auto refused = admit()) return *refused;
  int64_t tokens = 0;
  auto scores = st.reranker->model().rank(r.query, r.documents, false, &tokens);
  if (!scores.ok()) return ApiError::from(scores.error(), "documents");
  std::vector<size_t> order(scores->size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return (*scores)[a] > (*scores)[b]; });
  const size_t n = std::min(order.size(), r.top_n ? static_cast<size_t>(*r.top_n) : order.size());
  json results = json::array();
  for (size_t k = 0; k < n; ++k) {
    const size_t i = order[k];
    json item = {{"index", i}, {"relevance_score", (*scores)[i]}};
    if (r.return_documents) item["document"] = {{"text", utf8::sanitize(r.documents[i])}};
    results.push_back(std::move(item));
  }
  st.embed_metrics.rerank_documents.inc(static_cast<double>(r.documents.size()));
  st.embed_metrics.rerank_tokens.inc(static_cast<double>(tokens));
  return json{{"object", "list"},
              {"model", r.model.empty() ? embedding_model_info(st.reranker->model()).id : r.model},
              {"results", std::move(results)},
              {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}};
}

// One endpoint's queue and metrics.
struct Lane {
  AdmissionQueue& queue;
  Histogram& latency;
  Counter& errors;
  Counter& rejected;  // 429: queue full
};

template <class F>
void serve(ServerState& st, const Lane& lane, const httplib::Request& req, httplib::Response& res, F&& handler) {
  const auto t0 = Clock::now();
  AdmissionQueue::Slot slot;  // held until the reply is built
  std::optional<ConnectionProbe> probe;
  const Admit admit = [&]() -> std::optional<ApiError> {
    const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(st.config.timeout_seconds));
    const auto outcome = lane.queue.acquire(slot, deadline, [&] {
      if (!probe) probe.emplace(req.local_addr, req.local_port, req.remote_addr, req.remote_port);
      return probe->peer_closed();
    });
    if (outcome == AdmissionQueue::Outcome::kAdmitted) return std::nullopt;
    if (outcome == AdmissionQueue::Outcome::kQueueFull) lane.rejected.inc();
    return admission_error(outcome, lane.queue);
  };
  ApiResult<json> out = handler(st, req, admit);
  slot.release();
  if (!out.ok()) {
    lane.errors.inc();
    if (out.error().status == kClientClosedRequest) {
      res.status = kClientClosedRequest;
      return;
    }
    return reply_error(res, out.error());
  }
  lane.latency.observe(seconds_since(t0));
  reply_json(res, 200, out.value());
}

}  // namespace

void add_embedding_routes(httplib::Server& http, ServerState& st) {
  const Lane embed{st.embed_queue, st.embed_metrics.embedding_latency, st.embed_metrics.embedding_errors,
                   st.embed_metrics.embedding_rejected};
  const Lane rank{st.rerank_queue, st.embed_metrics.rerank_latency, st.embed_metrics.rerank_errors,
                  st.embed_metrics.rerank_rejected};
  http.Post("/v1/embeddings", [&st, embed](const httplib::Request& req, httplib::Response& res) {
    serve(st, embed, req, res, embeddings);
  });
  for (const char* path : {"/v1/rerank", "/rerank", "/v1/reranking"}) {
    http.Post(path, [&st, rank](const httplib::Request& req, httplib::Response& res) {
      serve(st, rank, req, res, rerank);
    });
  }
}

}  // namespace ls::server
