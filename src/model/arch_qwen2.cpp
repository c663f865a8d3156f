// Qwen2 (and the DeepSeek-R1-Distill-Qwen models): NEOX RoPE (halves), q/k/v projections with biases.
#include "model/arch.h"

namespace ls::model {

const ArchSpec& qwen2_arch() {
  static const ArchSpec spec{.name = "qwen2",
                             .rope = RopeStyle::kHalves,
                             .qkv_bias = Need::kRequired,
                             .qk_norm = Need::kNone,
                             .rope_freqs = Need::kNone};
  return spec;
}

}  // namespace ls::model
