#include "model/kv_cache.h"

#include <cstring>

#include "kernels/fp16.h"

namespace ls::model {

std::string_view kv_type_name(KvType t) { return t == KvType::kF16 ? "f16" : "f32"; }

size_t KvCache::bytes_for(const HParams& hp, int n_ctx, KvType type) {
  const size_t el = type == KvType::kF16 ? 2 : 4;
  return static_cast<size_t>(hp.n_layer) * static_cast<size_t>(n_ctx) *
         static_cast<size_t>(hp.kv_dim_k() + hp.kv_dim_v()) * el;
}

Result<KvCache> KvCache::create(const HParams& hp, int n_ctx, KvType type) {
  if (n_ctx <= 0) return Error::invalid("context size must be positive, got " + std::to_string(n_ctx));
  KvCache c;
  c.type_ = type;
  c.n_ctx_ = n_ctx;
  c.k_dim_ = hp.kv_dim_k();
  c.v_dim_ = hp.kv_dim_v();
  const size_t el = c.element_size();
  c.k_.resize(static_cast<size_t>(hp.n_layer) * n_ctx * c.k_dim_ * el);
  c.v_.resize(static_cast<size_t>(hp.n_layer) * n_ctx * c.v_dim_ * el);
  return c;
}

void KvCache::store(int il, int64_t pos, const float* k, const float* v) {
  if (type_ == KvType::kF32) {
    std::memcpy(k_row(il, pos), k, static_cast<size_t>(k_dim_) * 4);
    std::memcpy(v_row(il, pos), v, static_cast<size_t>(v_dim_) * 4);
    return;
  }
  auto* kh = reinterpret_cast<uint16_t*>(k_row(il, pos));
  auto* vh = reinterpret_cast<uint16_t*>(v_row(il, pos));
  for (int i = 0; i < k_dim_; ++i) kh[i] = kernels::fp32_to_fp16(k[i]);
  for (int i = 0; i < v_dim_; ++i) vh[i] = kernels::fp32_to_fp16(v[i]);
}

}  // namespace ls::model
