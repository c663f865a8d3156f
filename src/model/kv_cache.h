// The key/value cache of one sequence: per layer, one row of n_head_kv * head_dim per position.
// F16 by default (what llama.cpp stores by default), F32 or Q8_0 (blocks of 32, ~half of F16) on
// request. Allocated once, up front.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "gguf/ggml_types.h"
#include "model/hparams.h"
#include "util/error.h"

namespace ls::model {

enum class KvType { kF16, kF32, kQ8_0 };
std::string_view kv_type_name(KvType t);
Result<KvType> parse_kv_type(std::string_view name);  // "f16", "f32", "q8_0"
gguf::GgmlType kv_ggml_type(KvType t);

class KvCache {
 public:
  // Bytes a cache of n_ctx positions needs (for the memory check before allocating).
  static size_t bytes_for(const HParams& hp, int n_ctx, KvType type);
  // Error for Q8_0 when a row (n_head_kv * head_dim) is not a whole number of 32-value blocks.
  static Result<KvCache> create(const HParams& hp, int n_ctx, KvType type);

  KvType type() const { return type_; }
  int n_ctx() const { return n_ctx_; }
  size_t bytes() const { return k_.size() + v_.size(); }
  // Bytes of `n` values in the cache's type (n a multiple of 32 for Q8_0): offsets of heads in a row.
  size_t span_bytes(int64_t n) const;

  // Row of position `pos` in layer `il` (k_dim / v_dim values in the cache's type).
  uint8_t* k_row(int il, int64_t pos) { return k_.data() + offset(il, pos, k_dim_); }
  uint8_t* v_row(int il, int64_t pos) { return v_.data() + offset(il, pos, v_dim_); }
  const uint8_t* k_row(int il, int64_t pos) const { return k_.data() + offset(il, pos, k_dim_); }
  const uint8_t* v_row(int il, int64_t pos) const { return v_.data() + offset(il, pos, v_dim_); }

  // Stores one position's K and V rows (float) in the cache's type.
  void store(int il, int64_t pos, const float* k, const float* v);

 private:
  size_t offset(int il, int64_t pos, int dim) const {
    return (static_cast<size_t>(il) * static_cast<size_t>(n_ctx_) + static_cast<size_t>(pos)) * span_bytes(dim);
  }
  KvType type_ = KvType::kF16;
  int n_ctx_ = 0;
  int k_dim_ = 0;
  int v_dim_ = 0;
  std::vector<uint8_t> k_;
  std::vector<uint8_t> v_;
};

// Where one sequence's positions live in a KvCache: contiguously from cell 0 (a Context's own
// cache), or in fixed-size pages of a shared pool (KvPool), found through the sequence's page
// table (logical page -> physical page). Attention reads rows only through this.
class KvView {
 public:
  explicit KvView(KvCache& cache) : cache_(&cache) {}
  // page_size = 1 << page_shift positions; pages[i] holds positions [i << shift, (i+1) << shift).
  KvView(KvCache& cache, const int32_t* pages, int page_shift)
      : cache_(&cache), pages_(pages), shift_(page_shift), mask_((int64_t{1} << page_shift) - 1) {}

  KvType type() const { return cache_->type(); }
  size_t span_bytes(int64_t n) const { return cache_->span_bytes(n); }
  int64_t cell(int64_t pos) const {
    return pages_ == nullptr ? pos : (static_cast<int64_t>(pages_[pos >> shift_]) << shift_) | (pos & mask_);
  }
  const uint8_t* k_row(int il, int64_t pos) const { return cache_->k_row(il, cell(pos)); }
  const uint8_t* v_row(int il, int64_t pos) const { return cache_->v_row(il, cell(pos)); }
  void store(int il, int64_t pos, const float* k, const float* v) const { cache_->store(il, cell(pos), k, v); }

 private:
  KvCache* cache_;
  const int32_t* pages_ = nullptr;
  int shift_ = 0;
  int64_t mask_ = 0;
};

}  // namespace ls::model
