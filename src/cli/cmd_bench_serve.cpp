// `localseek bench-serve --url http://127.0.0.1:8080 [-c 1,4,16] [--prompt-tokens 70]
// [--max-tokens 32] [--json]`: the serving load benchmark (issue #4 §10) against a running
// OpenAI-compatible server — this one or any other — over real HTTP.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "server/serve_bench.h"

namespace ls::cli {
namespace {

struct BenchServeFlags {
  std::string url = "http://127.0.0.1:8080";
  std::vector<int> concurrency = {1, 4, 16};
  server::ServeBenchOptions options;
  bool no_warmup = false;
  bool json = false;
};

int run(BenchServeFlags& f) {
  auto endpoint = server::parse_endpoint(f.url);
  if (!endpoint.ok()) return report_error(endpoint.error().message);
  const std::string key = f.options.endpoint.api_key;
  const int timeout = f.options.endpoint.timeout_seconds;
  f.options.endpoint = *endpoint;
  f.options.endpoint.api_key = key;
  f.options.endpoint.timeout_seconds = timeout;
  f.options.concurrency = f.concurrency;
  f.options.warmup = !f.no_warmup;
  auto report = server::run_serve_bench(f.options, [](const std::string& line) {
    std::fprintf(stderr, "bench-serve: %s\n", line.c_str());
  });
  if (!report.ok()) return report_error(report.error().message);
  if (f.json) {
    std::printf("%s\n", report->to_json(f.options).dump().c_str());
  } else {
    std::printf("model %s, ~%d prompt tokens (%d words), %d generated tokens per request, %d request(s) per client\n",
                report->model.c_str(), f.options.prompt_tokens, report->prompt_words, f.options.max_tokens,
                f.options.requests_per_client);
    std::printf("%s", report->table().c_str());
  }
  int failed = 0;
  for (const auto& l : report->levels) {
    failed += l.failed;
    if (l.failed > 0)
      std::fprintf(stderr, "bench-serve: %d of %d requests failed at concurrency %d; first: %s\n", l.failed,
                   l.requests, l.concurrency, l.first_error.c_str());
  }
  return failed > 0 ? 1 : 0;
}

const Registrar kBenchServe{
    {"bench-serve", "Load-test a running server: N concurrent streaming chat clients, tokens/s, TTFT, inter-token latency",
     [](CLI::App& sub) -> std::function<int()> {
       auto f = std::make_shared<BenchServeFlags>();
       sub.add_option("--url", f->url, "Server root, http://host:port (default http://127.0.0.1:8080)");
       sub.add_option("-c,--concurrency", f->concurrency, "Concurrent clients per level, e.g. 1,4,16 (the default)")
           ->delimiter(',')
           ->check(CLI::Range(1, 1024));
       sub.add_option("--prompt-tokens", f->options.prompt_tokens,
                      "Prompt length in tokens, chat template included (default 70; sized with the server's /tokenize)")
           ->check(CLI::Range(1, 1 << 20));
       sub.add_option("--max-tokens", f->options.max_tokens, "Tokens generated per request (default 32)")
           ->check(CLI::Range(1, 1 << 20));
       sub.add_option("--requests-per-client", f->options.requests_per_client,
                      "Requests each client sends one after another (default 1)")
           ->check(CLI::Range(1, 10000));
       sub.add_option("--model", f->options.model, "Model name to request (default: the first of /v1/models)");
       sub.add_option("--api-key", f->options.endpoint.api_key, "Bearer key, when the server wants one");
       sub.add_option("--temperature", f->options.temperature, "Sampling temperature (default 0: greedy)")
           ->check(CLI::Range(0.0, 2.0));
       sub.add_option("--timeout", f->options.endpoint.timeout_seconds, "Seconds one request may take (default 600)")
           ->check(CLI::Range(1, 86400));
       sub.add_flag("--no-warmup", f->no_warmup,
                    "Skip the unmeasured first request (it also measures the chat template's tokens)");
       sub.add_flag("--json", f->json,
                    "Print {\"model\",\"levels\":[{\"concurrency\",\"requests\",\"failed\",\"tokens_per_s\",\"ttft_p50_s\",...}]}");
       sub.footer("Exit code 1 when any request failed (non-200, error event, no [DONE], transport error).");
       return [f] { return run(*f); };
     }}};

}  // namespace
}  // namespace ls::cli
