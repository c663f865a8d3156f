// `localseek gen-model`: a model file with a real model's exact shapes and seeded random weights,
// generated and quantised one tensor at a time (a 7B model never sits in memory).
#pragma once

#include <functional>
#include <string>

#include "gguf/ggml_types.h"
#include "util/error.h"

namespace ls::tools {

struct GenModelOptions {
  std::string arch = "qwen2";
  std::string shape;        // see shape_names()
  std::string vocab_path;   // a GGUF whose tokenizer.* keys are copied; empty: synthetic byte-level
  std::string file_type = "F16";
  uint64_t seed = 1;
  int threads = 0;
  std::string output;
  std::function<void(size_t index, size_t n_tensors, const std::string& name, gguf::GgmlType type)> progress;
};

struct GenModelSummary {
  size_t tensors = 0;
  uint64_t parameters = 0;
  uint64_t bytes = 0;  // tensor data
};

Result<GenModelSummary> generate_model(const GenModelOptions& opts);

}  // namespace ls::tools
