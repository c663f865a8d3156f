#include "golden.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

namespace ls::test {
namespace {

GoldenDist read_dist(const nlohmann::json& j) {
  GoldenDist d;
  for (const auto& e : j.at("top")) d.top.emplace_back(e.at(0).get<int32_t>(), e.at(1).get<double>());
  d.margin = j.at("margin").get<double>();
  return d;
}

}  // namespace

bool load_golden(const std::string& path, Golden& out) {
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot open golden file " << path;
    return false;
  }
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    out.prompt = j.at("prompt").get<std::string>();
    out.prompt_ids = j.at("prompt_ids").get<std::vector<int32_t>>();
    const auto& g = j.at("greedy");
    out.greedy_ids = g.at("ids").get<std::vector<int32_t>>();
    out.greedy_text = g.value("text", "");
    for (const auto& s : g.at("steps")) out.steps.push_back(read_dist(s));
    for (const auto& p : j.at("prompt_positions")) out.positions.push_back(read_dist(p));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "bad golden file " << path << ": " << e.what();
    return false;
  }
  return true;
}

std::vector<double> log_softmax(const float* logits, int n) {
  double max = logits[0];
  for (int i = 1; i < n; ++i) max = std::max(max, static_cast<double>(logits[i]));
  double sum = 0.0;
  for (int i = 0; i < n; ++i) sum += std::exp(static_cast<double>(logits[i]) - max);
  const double lse = max + std::log(sum);
  std::vector<double> out(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) out[static_cast<size_t>(i)] = static_cast<double>(logits[i]) - lse;
  return out;
}

double max_top_delta(const std::vector<double>& ours, const GoldenDist& g) {
  double m = 0.0;
  for (const auto& [id, lp] : g.top) m = std::max(m, std::abs(ours.at(static_cast<size_t>(id)) - lp));
  return m;
}

int margin_horizon(const Golden& g, double min_margin, int limit) {
  for (int s = 0; s < limit && s < static_cast<int>(g.steps.size()); ++s) {
    if (g.steps[static_cast<size_t>(s)].margin < min_margin) return s;
  }
  return std::min(limit, static_cast<int>(g.steps.size()));
}

int first_diff(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return static_cast<int>(i);
  }
  return static_cast<int>(n);
}

}  // namespace ls::test
