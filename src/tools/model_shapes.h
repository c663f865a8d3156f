// Exact hyper-parameters of real models, so gen-model can make random-weight files with their
// shapes (benchmarks need the real tensor sizes, not the real weights).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ls::tools {

struct ModelShape {
  std::string_view name;  // "r1-distill-qwen-1.5b"
  std::string_view arch;  // "qwen2", "llama"
  int64_t n_embd, n_layer, n_head, n_head_kv, n_ff, n_vocab, n_ctx;
  double rope_base, rms_eps;
  bool qkv_bias;
  bool tied_output;  // no output.weight: token_embd doubles as the output matrix
};

std::optional<ModelShape> find_shape(std::string_view arch, std::string_view name);
std::string shape_names(std::string_view arch);  // for help and errors

// One tensor of a model with this shape, in llama.cpp's order (non-layer tensors, then by layer).
struct TensorSpec {
  std::string name;
  std::vector<int64_t> ne;
  int64_t n_in;      // fan-in, for the random scale
  bool is_norm;      // initialised to ones
};
std::vector<TensorSpec> tensor_specs(const ModelShape& s);

}  // namespace ls::tools
