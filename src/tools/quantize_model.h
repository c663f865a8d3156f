// `localseek quantize`: converts an F32/F16/BF16 GGUF model into a llama.cpp file type, one tensor
// at a time (streamed to the output, never the whole model in memory).
#pragma once

#include <functional>
#include <string>

#include "gguf/ggml_types.h"
#include "util/error.h"

namespace ls::tools {

struct QuantizeOptions {
  std::string input;
  std::string output;
  std::string file_type;  // "Q4_K_M", see file_type_names()
  int threads = 0;        // 0: every CPU
  // Called after each tensor is written (index from 0, of n_tensors).
  std::function<void(size_t index, size_t n_tensors, const std::string& name, gguf::GgmlType from,
                     gguf::GgmlType to)>
      progress;
};

struct QuantizeSummary {
  size_t tensors = 0;
  uint64_t bytes_in = 0;   // tensor data
  uint64_t bytes_out = 0;
};

Result<QuantizeSummary> quantize_model(const QuantizeOptions& opts);

}  // namespace ls::tools
