// `localseek bench -m MODEL [-p 512] [-n 128] [-t N] [-r REPS] [--json]` and `localseek bench --membw`:
// prefill and decode tokens/s like llama-bench, and decode's share of the memory-bandwidth roofline.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/command.h"
#include "cli/isa_flag.h"
#include "kernels/kernels.h"
#include "model/context.h"
#include "tools/engine_bench.h"
#include "tools/membw.h"
#include "util/cpu_features.h"

namespace ls::cli {
namespace {

using nlohmann::json;

struct BenchFlags {
  tools::BenchOptions b;
  bool json = false;
  bool membw_only = false;
  double bandwidth_gbps = 0;  // given: skip the measurement
  int membw_mib = 1024;
};

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown";
}

json machine_json() {
  return {{"cpu", cpu_model()}, {"cores", model::available_cpus()}, {"features", cpu_features().summary()},
          {"isa", std::string(kernels::isa_name(kernels::active_isa()))}};
}

int run(const BenchFlags& f) {
  const int threads = f.b.threads > 0 ? f.b.threads : model::available_cpus();
  double bw1 = 0, bwn = f.bandwidth_gbps * 1e9;
  if (f.membw_only || bwn <= 0) {
    const size_t bytes = static_cast<size_t>(f.membw_mib) << 20;
    auto one = tools::read_bandwidth(1, bytes);
    if (!one.ok()) return report_error(one.error().message);
    auto all = threads == 1 ? one : tools::read_bandwidth(threads, bytes);
    if (!all.ok()) return report_error(all.error().message);
    bw1 = *one;
    bwn = *all;
  }
  json j = machine_json();
  j["threads"] = threads;
  j["membw_gbps"] = bwn / 1e9;
  if (bw1 > 0) j["membw_1t_gbps"] = bw1 / 1e9;
  if (f.membw_only) {
    if (f.json) {
      std::printf("%s\n", j.dump().c_str());
    } else {
      std::printf("cpu      %s (%d cores; %s)\n", cpu_model().c_str(), model::available_cpus(),
                  cpu_features().summary().c_str());
      std::printf("membw    %.2f GB/s with 1 thread, %.2f GB/s with %d threads (prefetched read, %d MiB, best of 8)\n",
                  bw1 / 1e9, bwn / 1e9, threads, f.membw_mib);
    }
    return 0;
  }
  if (f.b.model.empty()) return report_error("bench: -m MODEL is required (or --membw)");
  tools::BenchOptions o = f.b;
  o.threads = threads;
  auto r = tools::run_bench(o);
  if (!r.ok()) return report_error(r.error().message);
  if (bw1 > 0) {
    // Measured again after the runs, keeping the best: the bound is what the machine gave at its
    // best around the decode, not what a moment of other load left for the first measurement.
    auto again = tools::read_bandwidth(threads, static_cast<size_t>(f.membw_mib) << 20);
    if (again.ok()) bwn = std::max(bwn, *again);
    j["membw_gbps"] = bwn / 1e9;
  }
  const double roofline = r->tg_tps.median * static_cast<double>(r->bytes_per_token) / bwn;
  j["model"] = o.model;
  j["size_bytes"] = r->file_bytes;
  j["n_prompt"] = o.n_prompt;
  j["n_gen"] = o.n_gen;
  j["reps"] = o.reps;
  j["pp_tps"] = r->pp_tps.median;
  j["pp_spread"] = r->pp_tps.spread;
  j["pp_samples"] = r->pp_tps.samples;
  j["tg_tps"] = r->tg_tps.median;
  j["tg_spread"] = r->tg_tps.spread;
  j["tg_samples"] = r->tg_tps.samples;
  j["bytes_per_token"] = r->bytes_per_token;
  j["roofline"] = roofline;
  if (f.json) {
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  std::printf("cpu        %s (%d cores; %s; kernels %s)\n", cpu_model().c_str(), model::available_cpus(),
              cpu_features().summary().c_str(), std::string(kernels::isa_name(kernels::active_isa())).c_str());
  std::printf("membw      %.2f GB/s (%d threads)%s\n", bwn / 1e9, threads, bw1 > 0 ? "" : " (given)");
  std::printf("model      %s (%.2f GB; %.1f MB of weights read per decoded token)\n", o.model.c_str(),
              r->file_bytes / 1e9, r->bytes_per_token / 1e6);
  std::printf("pp%-6d   %8.2f ± %.2f tok/s (median ± half-range of %d)\n", o.n_prompt, r->pp_tps.median,
              r->pp_tps.spread, o.reps);
  std::printf("tg%-6d   %8.2f ± %.2f tok/s\n", o.n_gen, r->tg_tps.median, r->tg_tps.spread);
  std::printf("roofline   %.1f%% of the bandwidth bound (%.2f tok/s)\n", roofline * 100,
              bwn / static_cast<double>(r->bytes_per_token));
  return 0;
}

const Registrar kBench{
    {"bench", "Measure prefill/decode tokens/s (like llama-bench) and memory bandwidth",
     [](CLI::App& sub) -> std::function<int()> {
       auto f = std::make_shared<BenchFlags>();
       sub.add_option("-m,--model", f->b.model, "GGUF model file")->check(CLI::ExistingFile);
       sub.add_option("-p,--n-prompt", f->b.n_prompt, "Prompt tokens per prefill run (default 512)")
           ->check(CLI::Range(0, 1 << 16));
       sub.add_option("-n,--n-gen", f->b.n_gen, "Decoded tokens per run (default 128)")->check(CLI::Range(0, 1 << 16));
       sub.add_option("-t,--threads", f->b.threads, "Threads (default: the CPUs available)")->check(CLI::Range(1, 1024));
       sub.add_option("-r,--reps", f->b.reps, "Repetitions (default 5)")->check(CLI::Range(1, 1000));
       add_isa_option(sub);
       sub.add_flag("--json", f->json, "Print one JSON object");
       sub.add_flag("--membw", f->membw_only, "Only measure the memory read bandwidth (1 thread and -t threads): a prefetched streaming read of a buffer far larger than cache, best of 8 passes; the roofline's denominator");
       sub.add_option("--bandwidth", f->bandwidth_gbps, "Use this bandwidth (GB/s) for the roofline instead of measuring (measured: before and after the runs, the better of the two)")
           ->check(CLI::PositiveNumber);
       sub.add_option("--membw-mib", f->membw_mib, "Buffer of the bandwidth test in MiB (default 1024)")
           ->check(CLI::Range(16, 1 << 20));
       return [f] { return run(*f); };
     }}};

}  // namespace
}  // namespace ls::cli
