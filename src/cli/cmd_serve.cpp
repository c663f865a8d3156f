// `localseek serve`: the OpenAI-compatible HTTP server (and, later, the knowledge base API).
#include <CLI/CLI.hpp>

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <cstdio>
#include <memory>
#include <thread>

#include "cli/command.h"
#include "cli/isa_flag.h"
#include "cli/web_search_flags.h"
#include "embed/model_embedder.h"
#include "embed/model_reranker.h"
#include "kb/knowledge_base.h"
#include "runtime/kv_sizing.h"
#include "server/backend_factory.h"
#include "server/batch_backend.h"
#include "server/http_server.h"
#include "server/session_backend.h"
#include "util/log.h"

namespace ls::cli {
namespace {

struct ServeFlags {
  server::ServerConfig config;
  std::string model;
  int ctx = 0;
  int threads = 0;
  std::string kv = "f16";
  std::string chat_template;
  bool no_model = false;
  bool no_sync_scheduler = false;
  bool single_sequence = false;
  runtime::BatchEngineOptions engine;
  uint64_t kv_memory = runtime::kDefaultKvMemoryBytes;
  std::string backend;  // hidden: KIND:ARG, e.g. scripted:FILE
  std::vector<std::string> api_key_files;
  std::string reasoning_format = "deepseek";
  // Grounded answers (server/grounding.h).
  std::vector<std::string> rag_aliases;
  bool rag_query_rewrite = false;
  WebSearchFlags search;
  std::string embedding_model, rerank_model;  // /v1/embeddings, /v1/rerank
};

// The grounding hook: knowledge base in --data, web search when a provider is named.
Result<std::shared_ptr<server::Grounding>> make_grounding(const ServeFlags& f, server::MetricsRegistry& metrics,
                                                         std::shared_ptr<kb::KnowledgeBase> knowledge) {
  server::GroundingConfig g;
  g.data_dir = f.config.data_dir;
  g.kb = std::move(knowledge);
  for (const auto& spec : f.rag_aliases) {
    LS_ASSIGN_OR_RETURN(server::RagAlias a, server::parse_rag_alias(spec));
    g.aliases.push_back(std::move(a));
  }
  if (f.search.any_given()) {
    LS_ASSIGN_OR_RETURN(g.web, f.search.config());
  }
  g.fetch.allow_hosts = f.search.allow_hosts;
  g.query_rewrite = f.rag_query_rewrite;
  return server::Grounding::create(std::move(g), metrics);
}

int g_signal_pipe[2] = {-1, -1};

void on_stop_signal(int sig) {
  const unsigned char b = static_cast<unsigned char>(sig);
  [[maybe_unused]] ssize_t n = write(g_signal_pipe[1], &b, 1);  // async-signal-safe
}

int run_serve(ServeFlags& f) {
  // SIGINT/SIGTERM may land on any thread (the engine's pool starts early), so the handler only
  // writes the signal number into a pipe that this thread waits on.
  if (pipe(g_signal_pipe) != 0) return report_error("cannot create the signal pipe");
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a vanished client is an error value, not a process death
  server::ServerConfig& cfg = f.config;
  for (const auto& file : f.api_key_files) {
    auto keys = server::read_api_key_file(file);
    if (!keys.ok()) return report_error(keys.error().message);
    cfg.api_keys.insert(cfg.api_keys.end(), keys->begin(), keys->end());
  }
  auto format = server::reasoning_format_from_name(f.reasoning_format);
  if (!format) return report_error("--reasoning-format must be deepseek or none");
  cfg.reasoning_format = *format;

  std::shared_ptr<server::Backend> backend;
  std::string pool_note;  // the batched engine's KV pool, in the start-up line
  if (!f.backend.empty()) {
    auto b = server::make_backend(f.backend);
    if (!b.ok()) return report_error(b.error().message);
    backend = *b;
  } else if (!f.model.empty()) {
    runtime::SessionOptions o;
    o.model_path = f.model;
    o.context.n_ctx = f.ctx;
    o.context.n_threads = f.threads;
    o.context.kv_type = model::parse_kv_type(f.kv).value();  // validated by IsMember
    o.chat_template_path = f.chat_template;
    if (f.single_sequence) {
      o.context.default_ctx_cap = 4096;  // as `run` and `chat`: one context, not a 128k-position one
      auto b = server::SessionBackend::open(o);
      if (!b.ok()) return report_error(b.error().message);
      backend = *b;
      if (cfg.parallel > 1) {
        log::warn("serve: --single-sequence runs one generation at a time; --parallel " +
                  std::to_string(cfg.parallel) + " lowered to 1 (others wait in the queue)");
        cfg.parallel = 1;
      }
    } else {
      server::BatchBackendOptions bo;
      bo.session = o;
      bo.engine = f.engine;
      bo.engine.n_ctx = f.ctx;
      bo.engine.max_running = cfg.parallel;
      bo.engine.kv_type = o.context.kv_type;
      bo.engine.n_threads = f.threads;
      bo.kv_memory = f.kv_memory;
      auto b = server::BatchBackend::open(bo);
      if (!b.ok()) return report_error(b.error().message);
      pool_note = ", KV pool of " + std::to_string((*b)->pool_tokens()) + " positions, up to " +
                  std::to_string((*b)->info().context_length) + " per request";
      backend = *b;
    }
  } else if (!f.no_model && f.embedding_model.empty() && f.rerank_model.empty()) {
    return report_error("give a model (-m MODEL.gguf), an --embedding-model / --rerank-model, or --no-model to "
                        "serve only the knowledge base");
  }
  std::shared_ptr<embed::ModelEmbedder> embedder;
  std::shared_ptr<embed::ModelReranker> reranker;
  embed::LoadOptions embed_load;
  embed_load.n_threads = f.threads;
  if (!f.embedding_model.empty()) {
    auto e = embed::ModelEmbedder::open(f.embedding_model, embed_load);
    if (!e.ok()) return report_error(e.error().message);
    embedder = std::move(e).value();
  }
  if (!f.rerank_model.empty()) {
    auto r = embed::ModelReranker::open(f.rerank_model, embed_load);
    if (!r.ok()) return report_error(r.error().message);
    reranker = std::move(r).value();
  }

  std::shared_ptr<kb::KnowledgeBase> knowledge;
  if (!cfg.data_dir.empty()) {
    auto k = kb::KnowledgeBase::open(cfg.data_dir);
    if (!k.ok()) return report_error(k.error().message);
    knowledge = std::move(k).value();
    // One embedder and reranker serve /v1/embeddings, /v1/rerank and the knowledge base's dense search.
    knowledge->set_embedder(embedder);
    knowledge->set_reranker(reranker);
  }

  server::HttpServer http(cfg, backend, knowledge);
  http.state().embedder = embedder;
  http.state().reranker = reranker;
  if (backend) {
    auto grounding = make_grounding(f, http.state().metrics.registry, knowledge);
    if (!grounding.ok()) return report_error(grounding.error().message);
    http.state().grounding = *grounding;
  }
  auto port = http.bind();
  if (!port.ok()) return report_error(port.error().message);
  std::string serving_what = backend ? "model " + backend->info().id + pool_note : "no model";
  if (embedder) serving_what += ", embeddings " + embedder->model_id();
  if (reranker) serving_what += ", reranker " + reranker->model_id();
  std::printf("localseek: listening on http://%s:%d (%s)\n", cfg.host.c_str(), *port, serving_what.c_str());
  std::fflush(stdout);
  std::thread serving([&http] { http.serve(); });
  if (http.state().sync && !f.no_sync_scheduler) http.state().sync->start();

  unsigned char sig = 0;
  while (read(g_signal_pipe[0], &sig, 1) < 0 && errno == EINTR) {
  }
  log::info(std::string("serve: ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
            ", draining (running requests finish)");
  http.start_draining();
  const bool idle = http.wait_idle(std::chrono::milliseconds(
      static_cast<long long>(cfg.drain_seconds * 1000)));
  if (!idle) log::warn("serve: drain time is up, stopping with requests still running");
  http.stop();
  serving.join();
  std::printf("localseek: stopped\n");
  return 0;
}

const Registrar kServe{{"serve", "Serve the OpenAI-compatible HTTP API (and the knowledge base; docs/server.md)",
                        [](CLI::App& sub) -> std::function<int()> {
  auto f = std::make_shared<ServeFlags>();
  server::ServerConfig& c = f->config;
  sub.add_option("-m,--model", f->model, "GGUF model file to serve")->check(CLI::ExistingFile);
  sub.add_option("--ctx", f->ctx,
                 "Positions one request may use, prompt and reply (default: the model's context_length "
                 "or the KV pool, whichever is smaller; a request asking for more is a 400)")
      ->check(CLI::Range(1, 1 << 24));
  sub.add_option("-t,--threads", f->threads, "Threads (default: the CPUs available)")
      ->check(CLI::Range(1, 1024));
  sub.add_option("--kv,--kv-type", f->kv, "KV cache type: f16 (default), f32 or q8_0")
      ->check(CLI::IsMember({"f16", "f32", "q8_0"}));
  add_isa_option(sub);
  sub.add_option("--chat-template", f->chat_template,
                 "Jinja chat template file (default: the model's tokenizer.chat_template)")
      ->check(CLI::ExistingFile);
  sub.add_option("--ctx-pool", f->engine.pool_tokens,
                 "KV pool in token positions, shared on demand by the running sequences "
                 "(default: what --kv-memory holds, at most --parallel x the context)")
      ->check(CLI::Range(1, 1 << 26));
  sub.add_option("--kv-memory", f->kv_memory,
                 "Memory for the KV pool when --ctx-pool is not given, e.g. 512MiB, 4GiB (default 1GiB; "
                 "an R1-Distill-1.5B f16 KV position takes 28 KiB, so about 37k positions)")
      ->transform(CLI::AsSizeValue(false));
  sub.add_option("--kv-page", f->engine.page_size, "Positions per KV pool page (a power of two)")
      ->capture_default_str()->check(CLI::IsMember({1, 2, 4, 8, 16, 32, 64, 128, 256}));
  sub.add_option("--prefill-chunk", f->engine.prefill_chunk,
                 "Prompt tokens evaluated per step beside the running decodes (bounds their inter-token latency)")
      ->capture_default_str()->check(CLI::Range(1, 8192));
  sub.add_flag("--prefix-cache,!--no-prefix-cache", f->engine.prefix_cache,
               "Reuse the KV of a cached prompt prefix (default on)");
  sub.add_flag("--single-sequence", f->single_sequence,
               "The previous engine: one generation at a time on one context of --ctx positions "
               "(default: the model's context_length up to 4096; no batching)");
  sub.add_option("--embedding-model", f->embedding_model,
                 "GGUF embedding model (bert: BGE/MiniLM; qwen3: Qwen3-Embedding) for POST /v1/embeddings")
      ->check(CLI::ExistingFile);
  sub.add_option("--rerank-model", f->rerank_model,
                 "GGUF reranker (bge-reranker, Qwen3-Reranker) for POST /v1/rerank")
      ->check(CLI::ExistingFile);
  sub.add_flag("--no-model", f->no_model, "Start without a model (knowledge base endpoints only)");
  sub.add_flag("--no-sync-scheduler", f->no_sync_scheduler,
               "Do not run the knowledge base's sources on their cron schedules (POST "
               "/v1/kb/sources/{id}/sync still works)");
  sub.add_option("--backend", f->backend, "Engine KIND:ARG (scripted:FILE for tests)")
      ->group("");  // hidden
  sub.add_option("--host", c.host, "Address to listen on")->capture_default_str();
  sub.add_option("--port", c.port, "Port (0: any free port)")
      ->capture_default_str()->check(CLI::Range(0, 65535));
  sub.add_option("--api-key", c.api_keys, "API key clients must send as Bearer (repeatable)");
  sub.add_option("--api-key-file", f->api_key_files, "File with one API key per line")
      ->check(CLI::ExistingFile);
  sub.add_flag("--public-health,!--no-public-health", c.public_health,
               "/health and /ready need no key (default); --no-public-health: they do");
  sub.add_flag("--public-metrics,!--no-public-metrics", c.public_metrics,
               "/metrics needs no key (default); --no-public-metrics: it does");
  sub.add_option("--cors-origin", c.cors_origins,
                 "Allow browser requests from this origin (repeatable, * for any)");
  sub.add_option("--max-body", c.max_body_bytes, "Largest request body in bytes (413 beyond)")
      ->capture_default_str()->check(CLI::Range(size_t{1024}, size_t{1} << 32));
  sub.add_option("--queue-max", c.queue_max, "Generation requests that may wait (429 beyond)")
      ->capture_default_str()->check(CLI::Range(0, 100000));
  sub.add_option("--parallel", c.parallel, "Generation requests decoding together in one batched forward")
      ->capture_default_str()->check(CLI::Range(1, 1024));
  sub.add_option("--timeout", c.timeout_seconds, "Seconds a generation request may take, queue included")
      ->capture_default_str()->check(CLI::Range(0.001, 1e7));
  sub.add_option("--drain-timeout", c.drain_seconds, "Seconds shutdown waits for running requests")
      ->capture_default_str()->check(CLI::Range(0.0, 1e6));
  sub.add_option("--reasoning-format", f->reasoning_format,
                 "Default split of <think>: deepseek (reasoning_content) or none (raw text)")
      ->capture_default_str();
  sub.add_option("--data", c.data_dir, "Knowledge base folder (as `localseek kb --data`)")
      ->capture_default_str();
  sub.add_option("--http-threads", c.http_threads, "HTTP worker threads (0: parallel+queue+8)")
      ->capture_default_str()->check(CLI::Range(0, 4096));
  sub.add_option("--rag-alias", f->rag_aliases,
                 "Model alias answering from the knowledge base and/or the web: NAME=COLL[,COLL][+web] "
                 "(repeatable; listed in /v1/models)");
  sub.add_flag("--rag-query-rewrite", f->rag_query_rewrite,
               "Grounded requests let the model write the search query from the conversation first (a request's "
               "localseek.query_rewrite overrides)");
  f->search.add(sub, "--web-allow-host");
  return [f] { return run_serve(*f); };
}}};

}  // namespace
}  // namespace ls::cli
