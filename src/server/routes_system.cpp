// Cheap endpoints: liveness, readiness, metrics, the model list, tokenizer access.
#include "server/http_reply.h"
#include "server/openai_request.h"
#include "server/openai_response.h"
#include "server/routes.h"
#include "server/served_models.h"

namespace ls::server {
namespace {

using json = nlohmann::json;

std::optional<ApiError> need_model(const ServerState& st) {
  if (!st.backend)
    return ApiError::unavailable("no model is loaded: the server was started with --no-model");
  return std::nullopt;
}

void handle_tokenize(ServerState& st, const httplib::Request& req, httplib::Response& res) {
  auto parsed = parse_tokenize_request(req.body, st.config.limits);
  if (!parsed.ok()) return reply_error(res, parsed.error());
  if (auto e = need_model(st)) return reply_error(res, *e);
  const TokenizeRequest& r = parsed.value();
  auto tokens = st.backend->tokenize(r.content, r.add_special, r.parse_special);
  if (!tokens.ok()) return reply_error(res, ApiError::from(tokens.error(), "content"));
  json out = json::array();
  for (int32_t id : *tokens) {
    if (!r.with_pieces) {
      out.push_back(id);
      continue;
    }
    auto piece = st.backend->token_piece(id);
    out.push_back({{"id", id}, {"piece", piece.ok() ? *piece : std::string()}});
  }
  reply_json(res, 200, {{"tokens", out}});
}

void handle_detokenize(ServerState& st, const httplib::Request& req, httplib::Response& res) {
  auto parsed = parse_detokenize_request(req.body, st.config.limits);
  if (!parsed.ok()) return reply_error(res, parsed.error());
  if (auto e = need_model(st)) return reply_error(res, *e);
  auto text = st.backend->detokenize(parsed.value());
  if (!text.ok()) return reply_error(res, ApiError::from(text.error(), "tokens"));
  reply_json(res, 200, {{"content", *text}});
}

}  // namespace

void add_system_routes(httplib::Server& http, ServerState& st) {
  http.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    reply_json(res, 200, {{"status", "ok"}});
  });
  // Ready = can take generation work now: a model (or --no-model by choice) and not draining.
  http.Get("/ready", [&st](const httplib::Request&, httplib::Response& res) {
    if (st.draining.load())
      return reply_error(res, ApiError::unavailable("the server is shutting down"));
    reply_json(res, 200, {{"status", "ready"}, {"model", st.backend ? st.backend->info().id : ""}});
  });
  http.Get("/metrics", [&st](const httplib::Request&, httplib::Response& res) {
    if (st.backend) st.metrics.observe_engine(*st.backend);
    res.set_content(st.metrics.registry.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  // The chat model (and its RAG aliases), the embedding model and the reranker (served_models.h).
  http.Get("/v1/models", [&st](const httplib::Request&, httplib::Response& res) {
    json data = json::array();
    for (const ModelInfo& m : served_models(st)) data.push_back(model_json(m));
    reply_json(res, 200, {{"object", "list"}, {"data", std::move(data)}});
  });
  http.Get(R"(/v1/models/(.+))", [&st](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    for (const ModelInfo& m : served_models(st)) {
      if (m.id == id) return reply_json(res, 200, model_json(m));
    }
    reply_error(res, ApiError::not_found("the model '" + id + "' does not exist", "model", "model_not_found"));
  });
  http.Post("/tokenize", [&st](const httplib::Request& req, httplib::Response& res) {
    handle_tokenize(st, req, res);
  });
  http.Post("/detokenize", [&st](const httplib::Request& req, httplib::Response& res) {
    handle_detokenize(st, req, res);
  });
}

}  // namespace ls::server
