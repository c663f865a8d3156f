// Qwen3: NEOX RoPE, no biases, per-head RMSNorm of Q and K (attn_q_norm / attn_k_norm) before RoPE.
// Small Qwen3 files tie the output matrix to token_embd (handled for every architecture).
#include "model/arch.h"

namespace ls::model {

const ArchSpec& qwen3_arch() {
  static const ArchSpec spec{.name = "qwen3",
                             .rope = RopeStyle::kHalves,
                             .qkv_bias = Need::kNone,
                             .qk_norm = Need::kRequired,
                             .rope_freqs = Need::kNone};
  return spec;
}

}  // namespace ls::model
