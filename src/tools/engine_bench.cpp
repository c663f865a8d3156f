#include "tools/engine_bench.h"

#include <algorithm>
#include <chrono>
#include <random>

#include "gguf/gguf_file.h"
#include "model/context.h"
#include "model/model.h"

namespace ls::tools {

Stat stat_of(std::vector<double> samples) {
  Stat s;
  s.samples = samples;
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  const size_t n = samples.size();
  s.median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
  s.spread = (samples.back() - samples.front()) / 2;
  return s;
}

Result<uint64_t> weight_bytes_per_token(const std::string& model_path) {
  LS_ASSIGN_OR_RETURN(gguf::File f, gguf::File::open(model_path));
  const bool tied = f.find_tensor("output.weight") == nullptr;
  uint64_t bytes = 0;
  for (const gguf::TensorInfo& t : f.tensors()) {
    if (t.name == "token_embd.weight" && !tied) {
      bytes += t.rows() > 0 ? t.nbytes / static_cast<uint64_t>(t.rows()) : 0;
    } else {
      bytes += t.nbytes;
    }
  }
  return bytes;
}

Result<BenchResult> run_bench(const BenchOptions& opts) {
  LS_ASSIGN_OR_RETURN(auto model, model::Model::load(opts.model));
  BenchResult res;
  LS_ASSIGN_OR_RETURN(res.bytes_per_token, weight_bytes_per_token(opts.model));
  res.file_bytes = model->file().file_size();
  model::ContextOptions co;
  co.n_ctx = std::max(opts.n_prompt, opts.n_gen) + 1;
  co.n_batch = std::max(1, opts.n_prompt);
  co.n_threads = opts.threads > 0 ? opts.threads : model::available_cpus();
  res.threads = co.n_threads;
  LS_ASSIGN_OR_RETURN(auto ctx, model::Context::create(model, co));
  const int n_vocab = static_cast<int>(model->hparams().n_vocab);
  std::mt19937 rng(42);
  std::uniform_int_distribution<int32_t> pick(0, n_vocab - 1);
  using clock = std::chrono::steady_clock;

  auto time_pp = [&]() -> Result<double> {
    std::vector<int32_t> tokens(static_cast<size_t>(opts.n_prompt));
    for (auto& t : tokens) t = pick(rng);
    ctx->truncate(0);
    const auto t0 = clock::now();
    LS_TRY(ctx->eval(tokens));
    return opts.n_prompt / std::chrono::duration<double>(clock::now() - t0).count();
  };
  auto time_tg = [&](int n_gen) -> Result<double> {
    ctx->truncate(0);
    int32_t tok = pick(rng);
    const auto t0 = clock::now();
    for (int i = 0; i < n_gen; ++i) {
      LS_TRY(ctx->eval(std::span<const int32_t>(&tok, 1)));
      tok = pick(rng);
    }
    return n_gen / std::chrono::duration<double>(clock::now() - t0).count();
  };

  // A warm-up run first (pages the weights in), as llama-bench does.
  std::vector<double> pp, tg;
  if (opts.n_prompt > 0) {
    LS_TRY(time_pp());
    for (int r = 0; r < opts.reps; ++r) {
      LS_ASSIGN_OR_RETURN(double v, time_pp());
      pp.push_back(v);
    }
  }
  if (opts.n_gen > 0) {
    LS_TRY(time_tg(1));
    for (int r = 0; r < opts.reps; ++r) {
      LS_ASSIGN_OR_RETURN(double v, time_tg(opts.n_gen));
      tg.push_back(v);
    }
  }
  res.pp_tps = stat_of(pp);
  res.tg_tps = stat_of(tg);
  return res;
}

}  // namespace ls::tools
