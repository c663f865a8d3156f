// POST /v1/chat/completions and /v1/completions: parse → admission queue → engine → JSON or SSE.
#include <chrono>
#include <memory>

#include "rag/citation_filter.h"
#include "server/admission_error.h"
#include "server/generation_run.h"
#include "server/http_reply.h"
#include "server/openai_output.h"
#include "server/routes.h"

namespace ls::server {
namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Checks that apply before any work: an engine is there, the model name matches, not draining.
std::optional<ApiError> check_servable(const ServerState& st, const GenerationOptions& o) {
  const std::string& model = o.model;
  if (!st.backend)
    return ApiError::unavailable("no model is loaded: the server was started with --no-model");
  if (st.draining.load()) return ApiError::unavailable("the server is shutting down");
  const std::string id = st.backend->info().id;
  if (!model.empty() && model != id)
    return ApiError::not_found("the model '" + model + "' does not exist; this server serves '" +
                                   id + "'",
                               "model", "model_not_found");
  if (o.logprobs && !st.backend->supports_logprobs())
    return ApiError{501, "not_implemented_error", "this engine does not report logprobs yet",
                    "logprobs", "not_implemented"};
  return std::nullopt;
}

GenerationRequest to_engine_request(const ServerConfig& cfg, const GenerationOptions& o,
                                    std::string prompt) {
  GenerationRequest g;
  g.prompt = std::move(prompt);
  g.max_tokens = o.max_tokens.value_or(-1);
  g.sampling = o.sampling;
  // DeepSeek-R1's recommended sampling when the client leaves it to us.
  if (!g.sampling.temperature) g.sampling.temperature = cfg.default_temperature;
  if (!g.sampling.top_p) g.sampling.top_p = cfg.default_top_p;
  g.stop = o.stop;
  g.logprobs = o.logprobs;
  g.top_logprobs = o.top_logprobs;
  g.ignore_eos = o.ignore_eos;
  return g;
}

ApiError run_error(const RunOutcome& r) {
  if (r.timed_out) return ApiError::timeout("the request took longer than --timeout allows");
  return ApiError::internal("the engine failed: " + r.done.error);
}

// Everything one generation request needs until its last byte, shared with the stream provider.
template <class Output>
struct Job {
  Job(Output o) : output(std::move(o)) {}  // NOLINT
  Output output;
  AdmissionQueue::Slot slot;
  std::unique_ptr<GenerationRun> run;
  std::unique_ptr<ConnectionProbe> probe;
  RunContext ctx;
  const char* endpoint = "";
};

template <class Output>
void finish_latency(ServerState& st, const Job<Output>& job) {
  st.metrics.request_latency.with({job.endpoint}).observe(seconds_since(job.ctx.arrival));
}

template <class Output>
void serve(ServerState& st, const httplib::Request& req, httplib::Response& res,
           const GenerationOptions& options, GenerationRequest engine_request,
           std::shared_ptr<Job<Output>> job, Clock::time_point arrival) {
  job->ctx.arrival = arrival;
  job->ctx.deadline =
      arrival + std::chrono::duration_cast<Clock::duration>(
                    std::chrono::duration<double>(st.config.timeout_seconds));
  job->ctx.metrics = &st.metrics;
  job->probe = std::make_unique<ConnectionProbe>(req.local_addr, req.local_port, req.remote_addr,
                                                 req.remote_port);
  job->ctx.probe = job->probe.get();

  const auto outcome = st.queue.acquire(job->slot, job->ctx.deadline,
                                        [probe = job->probe.get()] { return probe->peer_closed(); });
  st.metrics.queue_wait.with({}).observe(seconds_since(arrival));
  if (outcome == AdmissionQueue::Outcome::kAbandoned) {
    res.status = kClientClosedRequest;
    return;
  }
  if (outcome != AdmissionQueue::Outcome::kAdmitted) {
    if (outcome == AdmissionQueue::Outcome::kQueueFull) st.metrics.rejected_queue_full.inc();
    reply_error(res, admission_error(outcome, st.queue));
    return;
  }
  auto started = GenerationRun::start(*st.backend, std::move(engine_request));
  if (!started.ok()) {
    reply_error(res, ApiError::from(started.error(), "messages"));
    return;
  }
  job->run = std::move(started).value();

  if (!options.stream) {
    RunOutcome r = job->run->pump(job->ctx, [&](const TokenEvent& t) {
      job->output.add_token(t);
      return true;
    });
    finish_latency(st, *job);
    if (r.client_gone) res.status = kClientClosedRequest;
    else if (r.timed_out || r.done.reason == FinishReason::kError) reply_error(res, run_error(r));
    else reply_json(res, 200, job->output.finish(r.done));
    return;
  }

  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");  // reverse proxies: do not buffer the stream
  res.set_chunked_content_provider(
      "text/event-stream", [&st, job](size_t, httplib::DataSink& sink) {
        auto write = [&](const std::string& s) { return s.empty() || sink.write(s.data(), s.size()); };
        if (!write(job->output.stream_start())) return false;
        RunOutcome r = job->run->pump(
            job->ctx, [&](const TokenEvent& t) { return write(job->output.stream_token(t)); });
        finish_latency(st, *job);
        job->slot.release();
        if (r.client_gone) return false;
        // Headers are out: an error now travels as an error event, as OpenAI's API does.
        if (r.timed_out || r.done.reason == FinishReason::kError) {
          write("data: " + run_error(r).body() + "\n\n");
        } else if (!write(job->output.stream_finish(r.done))) {
          return false;
        }
        sink.done();
        return true;
      });
}

void handle_chat(ServerState& st, const httplib::Request& req, httplib::Response& res) {
  const auto arrival = Clock::now();
  auto parsed = parse_chat_request(req.body, st.config.limits);
  if (!parsed.ok()) return reply_error(res, parsed.error());
  ChatCompletionRequest& r = parsed.value();
  // Grounded answers: the "localseek" extension or a RAG model alias (server/grounding.h).
  GroundedChat grounded;
  if (st.grounding && st.backend && !st.draining.load()) {
    auto g = st.grounding->apply(req.body, r.options.model, r.messages, st.backend.get());
    if (!g.ok()) return reply_error(res, g.error());
    grounded = std::move(g).value();
    if (grounded.active) r.messages = grounded.messages;
  }
  if (auto e = check_servable(st, r.options)) return reply_error(res, *e);
  auto rendered = st.backend->render_chat(r.messages);
  if (!rendered.ok()) return reply_error(res, ApiError::from(rendered.error(), "messages"));
  const ModelInfo info = st.backend->info();
  auto job = std::make_shared<Job<ChatOutput>>(
      ChatOutput(make_meta("chatcmpl-", info.id), r.options,
                 r.reasoning_format.value_or(st.config.reasoning_format),
                 rendered->opens_reasoning));
  job->endpoint = "/v1/chat/completions";
  if (grounded.active) {
    auto filter = std::make_shared<rag::CitationFilter>(grounded.passages);
    job->output.set_grounding(
        [filter](const std::string& text, bool final) {
          std::string out = filter->push(text);
          if (final) out += filter->flush();
          return out;
        },
        std::move(grounded.extra));
  }
  serve(st, req, res, r.options, to_engine_request(st.config, r.options, std::move(rendered->text)),
        job, arrival);
}

void handle_completion(ServerState& st, const httplib::Request& req, httplib::Response& res) {
  const auto arrival = Clock::now();
  auto parsed = parse_completion_request(req.body, st.config.limits);
  if (!parsed.ok()) return reply_error(res, parsed.error());
  CompletionRequest& r = parsed.value();
  if (auto e = check_servable(st, r.options)) return reply_error(res, *e);
  const ModelInfo info = st.backend->info();
  auto job = std::make_shared<Job<CompletionOutput>>(
      CompletionOutput(make_meta("cmpl-", info.id), r));
  job->endpoint = "/v1/completions";
  serve(st, req, res, r.options, to_engine_request(st.config, r.options, r.prompt), job, arrival);
}

}  // namespace

void add_generation_routes(httplib::Server& http, ServerState& st) {
  http.Post("/v1/chat/completions",
            [&st](const httplib::Request& req, httplib::Response& res) { handle_chat(st, req, res); });
  http.Post("/v1/completions", [&st](const httplib::Request& req, httplib::Response& res) {
    handle_completion(st, req, res);
  });
}

}  // namespace ls::server
