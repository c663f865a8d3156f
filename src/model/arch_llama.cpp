// Llama (1/2/3, and llama2.c conversions): RoPE on adjacent pairs; Llama 3 files carry
// rope_freqs.weight; some fine-tunes add q/k/v biases, which llama.cpp accepts, so we do too.
#include "model/arch.h"

namespace ls::model {

const ArchSpec& llama_arch() {
  static const ArchSpec spec{.name = "llama",
                             .rope = RopeStyle::kAdjacent,
                             .qkv_bias = Need::kOptional,
                             .qk_norm = Need::kNone,
                             .rope_freqs = Need::kOptional};
  return spec;
}

}  // namespace ls::model
