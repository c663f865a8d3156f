#include "server/http_server.h"

#include <httplib.h>

#include <algorithm>
#include <thread>

#include "server/connection_probe.h"
#include "server/http_reply.h"
#include "server/routes.h"
#include "util/log.h"

namespace ls::server {
namespace {

// Beyond the per-line limit cpp-httplib enforces (8 KiB): no request needs more than this.
constexpr size_t kMaxHeaderCount = 100;
constexpr size_t kMaxHeaderBytes = 64 * 1024;
// Threads for cheap requests (health, metrics, tokenize) besides generations running or queued.
constexpr int kSpareThreads = 8;
// Each running or waiting generation holds a worker; beyond this, connections wait unseen in
// cpp-httplib's own job list instead (still bounded by --queue-max for generation).
constexpr int kMaxThreads = 1024;
// Connections the kernel queues before accept(): bursts of clients connect at once.
constexpr int kListenBacklog = 512;

bool is_generation(const httplib::Request& req) {
  return req.method == "POST" && (req.path == "/v1/chat/completions" || req.path == "/v1/completions");
}

// One worker thread carries a request from routing to its log line (written after the last byte
// of the response), so a thread-local flag pairs the two ends of the in-flight count; requests
// that never reach routing (a bad request line) are logged too but were never counted.
thread_local bool t_counted_generation = false;

bool is_public(const ServerConfig& cfg, const std::string& path) {
  if (path == "/health" || path == "/ready") return cfg.public_health;
  if (path == "/metrics") return cfg.public_metrics;  // everything else (kb, /search too) needs a key
  return false;
}

ApiError status_error(int status, const httplib::Request& req) {
  switch (status) {
    case 404: return ApiError::not_found("no route " + req.method + " " + req.path, {}, "unknown_route");
    case 405: return {405, "invalid_request_error", "method " + req.method + " is not allowed on " + req.path, {}, "method_not_allowed"};
    case 413: return ApiError::too_large("the request body is larger than the limit (--max-body)");
    case 414: return {414, "invalid_request_error", "the request URI is too long", {}, "uri_too_long"};
    case 431: return {431, "invalid_request_error", "the request headers are too large", {}, "headers_too_large"};
    default:
      if (status >= 500) return ApiError::internal("internal error");
      return {status, "invalid_request_error", "malformed HTTP request", {}, {}};
  }
}

}  // namespace

HttpServer::HttpServer(ServerConfig config, std::shared_ptr<Backend> backend,
                       std::shared_ptr<kb::KnowledgeBase> kb)
    : state_(std::make_unique<ServerState>(std::move(config), std::move(backend), std::move(kb))),
      http_(std::make_unique<httplib::Server>()) {
  ServerState& st = *state_;
  st.queue.on_change([&m = st.metrics](int running, int waiting) {
    m.running.set(running);
    m.waiting.set(waiting);
  });
  if (st.backend) {
    st.metrics.model_loaded.set(1);
    st.metrics.model_load_seconds.set(st.backend->info().load_seconds);
  }
  // Sized when serving starts: the embedding models are attached after construction.
  http_->new_task_queue = [&st] {
    int threads = st.config.parallel + st.config.queue_max + kSpareThreads;
    for (const bool on : {st.embedder != nullptr, st.reranker != nullptr}) {
      if (on) threads += 1 + st.config.queue_max;  // each model's running request and its queue
    }
    if (st.config.http_threads > 0) threads = st.config.http_threads;
    return new httplib::ThreadPool(static_cast<size_t>(std::min(kMaxThreads, threads)));
  };
  http_->set_payload_max_length(st.config.max_body_bytes);
  http_->set_keep_alive_timeout(5);
  install_hooks();
  add_system_routes(*http_, st);
  add_embedding_routes(*http_, st);
  add_generation_routes(*http_, st);
  if (st.kb) st.sync = std::make_unique<SyncScheduler>(st.kb, st.metrics.registry);
  add_kb_routes(*http_, st);
  add_kb_source_routes(*http_, st);
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::install_hooks() {
  ServerState& st = *state_;
  http_->set_pre_routing_handler([&st](const httplib::Request& req, httplib::Response& res) {
    if (is_generation(req) && !t_counted_generation) {
      t_counted_generation = true;
      st.generation_responses.fetch_add(1);
    }
    size_t header_bytes = 0;
    for (const auto& [k, v] : req.headers) header_bytes += k.size() + v.size() + 4;
    if (req.headers.size() > kMaxHeaderCount || header_bytes > kMaxHeaderBytes) {
      reply_error(res, status_error(431, req));
      return httplib::Server::HandlerResponse::Handled;
    }
    const std::string origin = req.get_header_value("Origin");
    const std::string allowed = st.cors.allow_origin(origin);
    if (!allowed.empty()) {
      res.set_header("Access-Control-Allow-Origin", allowed);
      res.set_header("Vary", "Origin");
    }
    if (req.method == "OPTIONS") {  // preflight: browsers send no credentials with it
      if (!origin.empty() && allowed.empty()) {
        reply_error(res, {403, "permission_error", "origin '" + origin + "' is not allowed (--cors-origin)", {}, "cors_forbidden"});
        return httplib::Server::HandlerResponse::Handled;
      }
      res.status = 204;
      res.set_header("Allow", "GET, POST, DELETE, OPTIONS");
      if (!allowed.empty()) {
        res.set_header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
        const std::string asked = req.get_header_value("Access-Control-Request-Headers");
        res.set_header("Access-Control-Allow-Headers",
                       asked.empty() ? "Authorization, Content-Type" : asked);
        res.set_header("Access-Control-Max-Age", "600");
      }
      return httplib::Server::HandlerResponse::Handled;
    }
    if (st.keys.enabled() && !is_public(st.config, req.path) &&
        !st.keys.accepts(req.get_header_value("Authorization"))) {
      reply_error(res, ApiError::unauthorized(
                           "missing or wrong API key: send 'Authorization: Bearer <key>'"));
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  // Statuses cpp-httplib produces itself (no route, body too large, bad request line) get the
  // same OpenAI-style body as ours; bodies we already wrote are left alone.
  http_->set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty() || res.status == 499) return httplib::Server::HandlerResponse::Unhandled;
    const ApiError e = status_error(res.status, req);
    res.set_content(e.body(), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));

  http_->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    reply_error(res, ApiError::internal("internal error: " + what));
  });

  http_->set_logger([&st](const httplib::Request& req, const httplib::Response& res) {
    st.metrics.requests.with({endpoint_label(req.method, req.path), std::to_string(res.status)}).inc();
    if (t_counted_generation) {
      t_counted_generation = false;
      st.generation_responses.fetch_sub(1);
    }
  });
}

Result<int> HttpServer::bind() {
  const std::string& host = state_->config.host;
  int port = state_->config.port;
  if (port == 0) port = http_->bind_to_any_port(host);
  else if (!http_->bind_to_port(host, port)) port = -1;
  if (port < 0)
    return Error::io("cannot listen on " + host + ":" + std::to_string(state_->config.port) +
                     " (in use, or no such address?)");
  port_ = port;
  if (!widen_listen_backlog(port, kListenBacklog))
    log::warn("serve: could not raise the listen backlog of port " + std::to_string(port));
  return port;
}

void HttpServer::serve() {
  // Paired with stop(): each side sets its flag before reading the other's, so either serve()
  // sees the stop request and never listens, or stop() sees serve() running and waits for its
  // accept loop before stopping it.
  serving_.store(true);
  if (!stop_requested_.load()) http_->listen_after_bind();
  serving_.store(false);
}

void HttpServer::start_draining() {
  state_->draining.store(true);
  state_->queue.drain();
  state_->embed_queue.drain();
  state_->rerank_queue.drain();
  if (state_->sync) state_->sync->stop();  // no new scheduled syncs; a running one finishes
}

bool HttpServer::wait_idle(std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  const auto busy = [](const AdmissionQueue& q) { return q.running() > 0 || q.waiting() > 0; };
  while (busy(state_->queue) || busy(state_->embed_queue) || busy(state_->rerank_queue) ||
         state_->generation_responses.load() > 0) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

void HttpServer::stop() {
  if (!http_ || stopped_) return;
  stopped_ = true;
  stop_requested_.store(true);
  if (state_->sync) state_->sync->stop();
  while (serving_.load() && !http_->is_running()) std::this_thread::yield();
  http_->stop();
  // Idle keep-alive connections would hold their worker (and so the shutdown) for up to the
  // keep-alive timeout; nothing is running any more, so close them now.
  if (port_ > 0) shutdown_connections(port_);
}

}  // namespace ls::server
