// `localseek serve`: the OpenAI-compatible HTTP server (and, later, the knowledge base API).
#include <CLI/CLI.hpp>

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <memory>
#include <thread>

#include "cli/command.h"
#include "server/backend_factory.h"
#include "server/http_server.h"
#include "util/log.h"

namespace ls::cli {
namespace {

struct ServeFlags {
  server::ServerConfig config;
  std::string model;
  bool no_model = false;
  std::string backend;  // hidden: KIND:ARG, e.g. scripted:FILE
  std::vector<std::string> api_key_files;
  std::string reasoning_format = "deepseek";
};

int run_serve(ServeFlags& f) {
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
  if (!f.backend.empty()) {
    auto b = server::make_backend(f.backend);
    if (!b.ok()) return report_error(b.error().message);
    backend = *b;
  } else if (!f.model.empty()) {
    auto b = server::make_model_backend(f.model);
    if (!b.ok()) return report_error(b.error().message);
    backend = *b;
  } else if (!f.no_model) {
    return report_error("give a model (-m MODEL.gguf) or --no-model to serve only the knowledge base");
  }

  // Signals are taken by this thread alone (sigwait); every thread started later inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a vanished client is an error value, not a process death

  server::HttpServer http(cfg, backend);
  auto port = http.bind();
  if (!port.ok()) return report_error(port.error().message);
  std::printf("localseek: listening on http://%s:%d (%s)\n", cfg.host.c_str(), *port,
              backend ? ("model " + backend->info().id).c_str() : "no model");
  std::fflush(stdout);
  std::thread serving([&http] { http.serve(); });

  int sig = 0;
  sigwait(&stop_signals, &sig);
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

const Registrar kServe{{"serve", "Serve the OpenAI-compatible HTTP API (and the knowledge base)",
                        [](CLI::App& sub) -> std::function<int()> {
  auto f = std::make_shared<ServeFlags>();
  server::ServerConfig& c = f->config;
  sub.add_option("-m,--model", f->model, "GGUF model file to serve");
  sub.add_flag("--no-model", f->no_model, "Start without a model (knowledge base endpoints only)");
  sub.add_option("--backend", f->backend, "Engine KIND:ARG (scripted:FILE for tests)")
      ->group("");  // hidden
  sub.add_option("--host", c.host, "Address to listen on")->capture_default_str();
  sub.add_option("--port", c.port, "Port (0: any free port)")
      ->capture_default_str()->check(CLI::Range(0, 65535));
  sub.add_option("--api-key", c.api_keys, "API key clients must send as Bearer (repeatable)");
  sub.add_option("--api-key-file", f->api_key_files, "File with one API key per line")
      ->check(CLI::ExistingFile);
  sub.add_flag("--public-health,!--no-public-health", c.public_health,
               "Serve /health and /ready without a key")->capture_default_str();
  sub.add_flag("--public-metrics,!--no-public-metrics", c.public_metrics,
               "Serve /metrics without a key")->capture_default_str();
  sub.add_option("--cors-origin", c.cors_origins,
                 "Allow browser requests from this origin (repeatable, * for any)");
  sub.add_option("--max-body", c.max_body_bytes, "Largest request body in bytes (413 beyond)")
      ->capture_default_str()->check(CLI::Range(size_t{1024}, size_t{1} << 32));
  sub.add_option("--queue-max", c.queue_max, "Generation requests that may wait (429 beyond)")
      ->capture_default_str()->check(CLI::Range(0, 100000));
  sub.add_option("--parallel", c.parallel, "Generation requests running at once")
      ->capture_default_str()->check(CLI::Range(1, 1024));
  sub.add_option("--timeout", c.timeout_seconds, "Seconds a generation request may take, queue included")
      ->capture_default_str()->check(CLI::Range(0.001, 1e7));
  sub.add_option("--drain-timeout", c.drain_seconds, "Seconds shutdown waits for running requests")
      ->capture_default_str()->check(CLI::Range(0.0, 1e6));
  sub.add_option("--reasoning-format", f->reasoning_format,
                 "Default split of <think>: deepseek (reasoning_content) or none (raw text)")
      ->capture_default_str();
  sub.add_option("--data", c.data_dir, "Knowledge base folder");
  sub.add_option("--http-threads", c.http_threads, "HTTP worker threads (0: parallel+queue+8)")
      ->capture_default_str()->check(CLI::Range(0, 4096));
  return [f] { return run_serve(*f); };
}}};

}  // namespace
}  // namespace ls::cli
