#include "runtime/kv_sizing.h"

#include <algorithm>
#include <string>

#include "util/strings.h"

namespace ls::runtime {
namespace {

constexpr int64_t kMaxPoolTokens = int64_t{1} << 26;  // model::KvPool's own limit
constexpr int kFallbackContext = 4096;                 // a model that declares none

}  // namespace

Result<KvSizing> size_kv_pool(const model::HParams& hp, const KvSizingRequest& r) {
  KvSizing out;
  out.bytes_per_position = model::KvCache::bytes_for(hp, 1, r.kv_type);
  const int model_ctx = hp.n_ctx_train > 0 ? hp.n_ctx_train : kFallbackContext;
  const int page = std::max(1, r.page_size);
  const int64_t want_ctx = r.n_ctx > 0 ? r.n_ctx : model_ctx;
  const uint64_t budget = r.kv_memory > 0 ? r.kv_memory : kDefaultKvMemoryBytes;
  if (r.pool_tokens > 0) {
    out.pool_tokens = r.pool_tokens;
  } else {
    const int64_t fits = static_cast<int64_t>(budget / std::max<uint64_t>(1, out.bytes_per_position));
    int64_t pool = std::min({int64_t{std::max(1, r.max_running)} * want_ctx, fits, kMaxPoolTokens});
    pool -= pool % page;
    if (pool < page)
      return Error::limit("a KV memory budget of " + format_bytes(static_cast<double>(budget)) + " holds " +
                          std::to_string(fits) + " positions of this model (" +
                          format_bytes(static_cast<double>(out.bytes_per_position)) +
                          " each), less than one KV page of " + std::to_string(page) + "; raise --kv-memory");
    out.pool_tokens = static_cast<int>(pool);
  }
  out.n_ctx = r.n_ctx > 0 ? r.n_ctx : std::min(model_ctx, out.pool_tokens);
  if (out.n_ctx > out.pool_tokens) {
    const std::string pool_from = r.pool_tokens > 0
                                      ? "--ctx-pool"
                                      : "--kv-memory " + format_bytes(static_cast<double>(budget)) + " at " +
                                            format_bytes(static_cast<double>(out.bytes_per_position)) +
                                            " per position";
    return Error::limit("--ctx " + std::to_string(out.n_ctx) + " does not fit the KV pool of " +
                        std::to_string(out.pool_tokens) + " positions (" + pool_from +
                        "); raise --kv-memory or --ctx-pool, or lower --ctx");
  }
  return out;
}

}  // namespace ls::runtime
