// --fusion, --rrf-k and --dense-weight: how hybrid search merges the BM25 and the dense ranking,
// for `kb search` and `eval retrieval`. Defaults are kb::SearchRequest's. Header-only.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "kb/types.h"
#include "util/error.h"

namespace ls::cli {

struct FusionFlags {
  std::string method = kb::fusion_method_name(kb::SearchRequest{}.fusion);
  int rrf_k = kb::SearchRequest{}.rrf_k;
  double dense_weight = kb::SearchRequest{}.dense_weight;

  void add(CLI::App& sub) {
    sub.add_option("--fusion", method, "Hybrid fusion: rrf (reciprocal rank) | weighted (min-max scores)")
        ->capture_default_str();
    sub.add_option("--rrf-k", rrf_k, "RRF constant k: score = sum 1/(k + rank)")->capture_default_str();
    sub.add_option("--dense-weight", dense_weight, "Weighted fusion: dense share (bm25 gets the rest)")
        ->capture_default_str();
  }

  // Checks the values and sets them on `req` (a kb::SearchRequest or kb::EvalOptions: both name
  // the fields fusion, rrf_k and dense_weight).
  template <class Request>
  Status apply(Request& req) const {
    LS_ASSIGN_OR_RETURN(req.fusion, kb::parse_fusion_method(method));
    if (rrf_k < 0) return Error::invalid("--rrf-k must be >= 0");
    if (!(dense_weight >= 0 && dense_weight <= 1)) return Error::invalid("--dense-weight must be in [0, 1]");
    req.rrf_k = rrf_k;
    req.dense_weight = dense_weight;
    return {};
  }
};

}  // namespace ls::cli
