// `localseek bench`: llama-bench's two measurements on one model. pp: one batch of P tokens from an
// empty cache; tg: N single-token decodes from an empty cache. Each repeated, reported as median
// and spread, plus the decode's share of the memory-bandwidth roofline.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/error.h"

namespace ls::tools {

struct BenchOptions {
  std::string model;
  int n_prompt = 512;
  int n_gen = 128;
  int threads = 0;  // 0: the CPUs available
  int reps = 5;
};

struct Stat {
  double median = 0;
  double spread = 0;  // half the range (max - min) / 2
  std::vector<double> samples;
};
Stat stat_of(std::vector<double> samples);

struct BenchResult {
  Stat pp_tps, tg_tps;
  int threads = 0;
  uint64_t file_bytes = 0;
  uint64_t bytes_per_token = 0;  // weights a decode step reads
};

// Bytes of weights one decoded token reads: every tensor except the token embedding, of which only
// one row (unless it doubles as the output matrix).
Result<uint64_t> weight_bytes_per_token(const std::string& model_path);

Result<BenchResult> run_bench(const BenchOptions& opts);

}  // namespace ls::tools
