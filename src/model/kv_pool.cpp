#include "model/kv_pool.h"

#include <algorithm>
#include <bit>

namespace ls::model {

size_t KvPool::bytes_for(const HParams& hp, int n_pages, int page_size, KvType type) {
  return KvCache::bytes_for(hp, n_pages * page_size, type);
}

Result<std::unique_ptr<KvPool>> KvPool::create(const HParams& hp, int n_pages, int page_size, KvType type) {
  if (page_size <= 0 || !std::has_single_bit(static_cast<unsigned>(page_size)) || page_size > 4096)
    return Error::invalid("KV page size " + std::to_string(page_size) + " must be a power of two up to 4096");
  if (n_pages <= 0 || static_cast<int64_t>(n_pages) * page_size > (int64_t{1} << 26))
    return Error::invalid("KV pool of " + std::to_string(n_pages) + " pages of " + std::to_string(page_size) +
                          " positions is out of range");
  LS_ASSIGN_OR_RETURN(KvCache storage, KvCache::create(hp, n_pages * page_size, type));
  return std::unique_ptr<KvPool>(new KvPool(std::move(storage), n_pages, std::countr_zero(static_cast<unsigned>(page_size))));
}

KvPool::KvPool(KvCache storage, int n_pages, int shift)
    : storage_(std::move(storage)), shift_(shift), pages_(static_cast<size_t>(n_pages)) {
  free_.reserve(pages_.size());
  // Popped from the back: hand out low page numbers first.
  for (int32_t p = n_pages - 1; p >= 0; --p) free_.push_back(p);
}

int32_t KvPool::allocate() {
  int32_t p = -1;
  if (!free_.empty()) {
    p = free_.back();
    free_.pop_back();
  } else if (!lru_.empty()) {
    p = lru_.front();
    lru_.pop_front();
    unpublish(p);
    ++evictions_;
  } else {
    return -1;
  }
  pages_[static_cast<size_t>(p)].refs = 1;
  ++n_referenced_;
  return p;
}

void KvPool::add_ref(int32_t page) {
  Page& pg = pages_[static_cast<size_t>(page)];
  if (pg.refs++ == 0) {
    lru_.erase(pg.lru);
    ++n_referenced_;
  }
}

void KvPool::release(int32_t page) {
  Page& pg = pages_[static_cast<size_t>(page)];
  if (--pg.refs > 0) return;
  --n_referenced_;
  if (pg.published) {
    pg.lru = lru_.insert(lru_.end(), page);
  } else {
    free_.push_back(page);
  }
}

uint64_t KvPool::chain_hash(uint64_t parent, std::span<const int32_t> tokens) {
  // FNV-1a over the parent hash and the token ids, then a final avalanche (splitmix64).
  uint64_t h = 1469598103934665603ull ^ parent;
  for (int32_t t : tokens) {
    h ^= static_cast<uint32_t>(t);
    h *= 1099511628211ull;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h == 0 ? 1 : h;  // 0 means "no parent"
}

int32_t KvPool::find(uint64_t parent, std::span<const int32_t> tokens) const {
  const auto it = by_hash_.find(chain_hash(parent, tokens));
  if (it == by_hash_.end()) return -1;
  const Page& pg = pages_[static_cast<size_t>(it->second)];
  if (pg.parent != parent || !std::equal(tokens.begin(), tokens.end(), pg.tokens.begin(), pg.tokens.end()))
    return -1;
  return it->second;
}

int32_t KvPool::lookup(uint64_t parent, std::span<const int32_t> tokens) {
  const int32_t page = find(parent, tokens);
  if (page < 0) return -1;
  add_ref(page);
  ++hits_;
  return page;
}

void KvPool::publish(int32_t page, uint64_t parent, std::span<const int32_t> tokens) {
  Page& pg = pages_[static_cast<size_t>(page)];
  if (pg.published) return;
  const uint64_t h = chain_hash(parent, tokens);
  if (!by_hash_.emplace(h, page).second) return;
  pg.published = true;
  pg.hash = h;
  pg.parent = parent;
  pg.tokens.assign(tokens.begin(), tokens.end());
}

void KvPool::unpublish(int32_t page) {
  Page& pg = pages_[static_cast<size_t>(page)];
  by_hash_.erase(pg.hash);
  pg.published = false;
  pg.tokens.clear();
}

}  // namespace ls::model
