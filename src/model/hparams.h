// Hyper-parameters of a decoder model, read from `<arch>.*` GGUF keys and validated, so that the
// forward pass can trust every size it computes with.
#pragma once

#include <cstdint>
#include <string>

#include "gguf/gguf_file.h"
#include "model/arch.h"
#include "util/error.h"

namespace ls::model {

struct HParams {
  std::string arch;
  int n_layer = 0;
  int n_embd = 0;
  int n_ff = 0;
  int n_head = 0;
  int n_head_kv = 0;
  int head_dim_k = 0;  // key_length (default n_embd / n_head)
  int head_dim_v = 0;  // value_length (default n_embd / n_head)
  int n_vocab = 0;     // rows of token_embd
  int n_ctx_train = 0; // context_length
  int n_rot = 0;       // rope.dimension_count (default head_dim_k)
  float rms_eps = 1e-5f;
  float rope_base = 10000.0f;
  float rope_freq_scale = 1.0f;  // 1 / linear scaling factor
  RopeStyle rope_style = RopeStyle::kAdjacent;

  int q_dim() const { return n_head * head_dim_k; }
  int kv_dim_k() const { return n_head_kv * head_dim_k; }
  int kv_dim_v() const { return n_head_kv * head_dim_v; }
  int gqa_ratio() const { return n_head / n_head_kv; }
};

// Reads and checks every key; errors name the key and the value found.
Result<HParams> read_hparams(const gguf::File& file, const ArchSpec& arch);

}  // namespace ls::model
