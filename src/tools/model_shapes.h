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
  // Embedding and reranker models (and qwen3's wider heads); the defaults describe a plain decoder.
  int64_t head_dim = 0;  // 0: n_embd / n_head (Qwen3: 128 whatever n_embd is)
  bool qk_norm = false;  // per-head attn_q_norm / attn_k_norm (qwen3)
  int pooling = -1;      // <arch>.pooling_type (1 mean, 2 cls, 3 last, 4 rank); -1: key not written
  int cls_out = 0;       // classification head outputs (rerankers: bert 1 logit, qwen3 yes/no 2)

  int64_t head_size() const { return head_dim > 0 ? head_dim : n_embd / n_head; }
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
