#include "model/kv_cache.h"

#include <cstring>

#include "kernels/fp16.h"
#include "kernels/kernels.h"

namespace ls::model {

std::string_view kv_type_name(KvType t) {
  switch (t) {
    case KvType::kF16: return "f16";
    case KvType::kF32: return "f32";
    case KvType::kQ8_0: return "q8_0";
  }
  return "?";
}

Result<KvType> parse_kv_type(std::string_view name) {
  for (KvType t : {KvType::kF16, KvType::kF32, KvType::kQ8_0}) {
    if (name == kv_type_name(t)) return t;
  }
  return Error::invalid("unknown KV cache type '" + std::string(name) + "' (supported: f16, f32, q8_0)");
}

gguf::GgmlType kv_ggml_type(KvType t) {
  switch (t) {
    case KvType::kF16: return gguf::GgmlType::F16;
    case KvType::kF32: return gguf::GgmlType::F32;
    case KvType::kQ8_0: return gguf::GgmlType::Q8_0;
  }
  return gguf::GgmlType::F16;
}

namespace {
size_t bytes_of(KvType t, int64_t n) { return kernels::row_size(kv_ggml_type(t), n); }
}  // namespace

size_t KvCache::span_bytes(int64_t n) const { return bytes_of(type_, n); }

size_t KvCache::bytes_for(const HParams& hp, int n_ctx, KvType type) {
  return static_cast<size_t>(hp.n_layer) * static_cast<size_t>(n_ctx) *
         (bytes_of(type, hp.kv_dim_k()) + bytes_of(type, hp.kv_dim_v()));
}

Result<KvCache> KvCache::create(const HParams& hp, int n_ctx, KvType type) {
  if (n_ctx <= 0) return Error::invalid("context size must be positive, got " + std::to_string(n_ctx));
  if (type == KvType::kQ8_0 && (hp.head_dim_k % 32 != 0 || hp.head_dim_v % 32 != 0)) {
    return Error::unsupported("KV cache type q8_0 needs head sizes that are multiples of 32 (this model: K " +
                              std::to_string(hp.head_dim_k) + ", V " + std::to_string(hp.head_dim_v) + ")");
  }
  KvCache c;
  c.type_ = type;
  c.n_ctx_ = n_ctx;
  c.k_dim_ = hp.kv_dim_k();
  c.v_dim_ = hp.kv_dim_v();
  c.k_.resize(static_cast<size_t>(hp.n_layer) * n_ctx * c.span_bytes(c.k_dim_));
  c.v_.resize(static_cast<size_t>(hp.n_layer) * n_ctx * c.span_bytes(c.v_dim_));
  return c;
}

void KvCache::store(int il, int64_t pos, const float* k, const float* v) {
  switch (type_) {
    case KvType::kF32:
      std::memcpy(k_row(il, pos), k, static_cast<size_t>(k_dim_) * 4);
      std::memcpy(v_row(il, pos), v, static_cast<size_t>(v_dim_) * 4);
      return;
    case KvType::kF16: {
      auto* kh = reinterpret_cast<uint16_t*>(k_row(il, pos));
      auto* vh = reinterpret_cast<uint16_t*>(v_row(il, pos));
      for (int i = 0; i < k_dim_; ++i) kh[i] = kernels::fp32_to_fp16(k[i]);
      for (int i = 0; i < v_dim_; ++i) vh[i] = kernels::fp32_to_fp16(v[i]);
      return;
    }
    case KvType::kQ8_0: {
      // ggml's CPU from_float for Q8_0 (what llama.cpp's set_rows writes into a Q8_0 cache).
      const kernels::QuantizeRowFn quantize = kernels::kernels(gguf::GgmlType::Q8_0)->from_float;
      quantize(k, k_row(il, pos), k_dim_);
      quantize(v, v_row(il, pos), v_dim_);
      return;
    }
  }
}

}  // namespace ls::model
