// What distinguishes one decoder architecture from another, as data. The forward pass is shared
// (decoder.cpp); an architecture is one small file (arch_<name>.cpp) that fills in this table and
// one line in arch_registry.cpp. Nothing here reaches into the kernels.
#pragma once

#include <string>
#include <string_view>

namespace ls::model {

// How RoPE pairs the dimensions of a head (ggml's rope modes).
enum class RopeStyle {
  kAdjacent,  // ggml NORM (0): pairs (2i, 2i+1) — llama
  kHalves,    // ggml NEOX (2): pairs (i, i + n_rot/2) — qwen2, qwen3
};

// Whether a family of tensors is absent, may be present, or must be present.
enum class Need { kNone, kOptional, kRequired };

struct ArchSpec {
  std::string_view name;  // general.architecture, also the prefix of its hyper-parameter keys
  RopeStyle rope = RopeStyle::kAdjacent;
  Need qkv_bias = Need::kNone;  // attn_q/k/v.bias added after the projections
  Need qk_norm = Need::kNone;   // attn_q_norm/attn_k_norm: per-head RMSNorm before RoPE
  Need rope_freqs = Need::kNone;  // rope_freqs.weight: per-dimension frequency factors (Llama 3)
};

// One accessor per architecture file.
const ArchSpec& llama_arch();
const ArchSpec& qwen2_arch();
const ArchSpec& qwen3_arch();

// nullptr when the architecture is not supported.
const ArchSpec* find_arch(std::string_view name);
// "llama, qwen2, qwen3" — for error messages.
std::string supported_arch_names();

}  // namespace ls::model
