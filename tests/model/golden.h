// Reads the llama.cpp / float64-oracle golden files (../shared/golden/<stem>/<prompt>.json,
// format in ../shared/golden/PROVENANCE.md) and compares a run of ours with them.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ls::test {

struct GoldenDist {
  std::vector<std::pair<int32_t, double>> top;  // (id, logprob), descending
  double margin = 0.0;
};

struct Golden {
  std::string prompt;
  std::vector<int32_t> prompt_ids;
  std::vector<int32_t> greedy_ids;
  std::string greedy_text;
  std::vector<GoldenDist> steps;      // one per greedy id
  std::vector<GoldenDist> positions;  // one per prompt token
};

// Loads one file; fails the current test (and returns false) when it cannot.
bool load_golden(const std::string& path, Golden& out);

// Log-softmax in double of one row of logits.
std::vector<double> log_softmax(const float* logits, int n);

// Max |ours[id] - golden| over the golden top-20 ids.
double max_top_delta(const std::vector<double>& ours, const GoldenDist& g);

// First greedy step whose recorded margin is below `min_margin` (the steps after it may fork
// legitimately), capped by `limit`.
int margin_horizon(const Golden& g, double min_margin, int limit);

// First index where two id sequences differ (size when equal).
int first_diff(const std::vector<int32_t>& a, const std::vector<int32_t>& b);

}  // namespace ls::test
