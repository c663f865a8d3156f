// How large the serving KV pool is and how many positions one sequence may use, from what the
// user gave (--ctx, --ctx-pool, --kv-memory) and the model. R1-Distill models declare a 131072
// context; giving every request that much would reserve gigabytes per slot, so by default the pool
// is what fits a memory budget and a sequence may use the model's context or the whole pool,
// whichever is smaller.
#pragma once

#include <cstdint>

#include "model/hparams.h"
#include "model/kv_cache.h"
#include "util/error.h"

namespace ls::runtime {

// The default KV memory budget of `localseek serve` (--kv-memory).
inline constexpr uint64_t kDefaultKvMemoryBytes = uint64_t{1} << 30;

struct KvSizingRequest {
  int n_ctx = 0;             // positions of one sequence; 0: min(model context, pool)
  int pool_tokens = 0;       // positions of the pool; 0: from the budget
  uint64_t kv_memory = 0;    // budget in bytes when pool_tokens is 0; 0: kDefaultKvMemoryBytes
  int max_running = 1;       // sequences at once (the pool never needs more than max_running x n_ctx)
  int page_size = 16;
  model::KvType kv_type = model::KvType::kF16;
};

struct KvSizing {
  int n_ctx = 0;
  int pool_tokens = 0;
  uint64_t bytes_per_position = 0;  // K and V of every layer
};

// Errors name the numbers and the flag to change: a budget too small for one page, or an
// explicit --ctx larger than the pool.
Result<KvSizing> size_kv_pool(const model::HParams& hp, const KvSizingRequest& r);

}  // namespace ls::runtime
