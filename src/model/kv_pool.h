// A KV cache shared by many sequences: fixed-size pages (page_size positions of every layer)
// allocated once and handed to sequences on demand, so no sequence is given a fixed share of the
// context. Pages are reference-counted; a full page can be published under the prefix it
// completes (a chained hash of all tokens up to its end), and a later sequence whose prompt starts
// with the same tokens takes it instead of recomputing it. Published pages nobody references stay
// cached until the pool needs room, then go least recently used first. Engine thread only.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "model/kv_cache.h"

namespace ls::model {

class KvPool {
 public:
  // page_size must be a power of two.
  static Result<std::unique_ptr<KvPool>> create(const HParams& hp, int n_pages, int page_size, KvType type);
  static size_t bytes_for(const HParams& hp, int n_pages, int page_size, KvType type);

  int n_pages() const { return static_cast<int>(pages_.size()); }
  int page_size() const { return 1 << shift_; }
  int page_shift() const { return shift_; }
  KvCache& storage() { return storage_; }
  // A view of a sequence's pages (pages.size() * page_size positions).
  KvView view(const std::vector<int32_t>& pages) { return KvView(storage_, pages.data(), shift_); }

  // A page with one reference, evicting the least recently used cached page when none is free;
  // -1 when every page is referenced.
  int32_t allocate();
  void add_ref(int32_t page);
  void release(int32_t page);

  // Chained prefix hash: of the page holding `tokens` (page_size of them) after a prefix whose
  // hash is `parent` (0 for the first page).
  static uint64_t chain_hash(uint64_t parent, std::span<const int32_t> tokens);
  // The cached page holding exactly `tokens` after the prefix `parent`, with a reference added
  // (counted as a hit), or -1.
  int32_t lookup(uint64_t parent, std::span<const int32_t> tokens);
  // The same page without taking it or counting anything: to see whether a prompt would fit.
  int32_t find(uint64_t parent, std::span<const int32_t> tokens) const;
  bool referenced(int32_t page) const { return pages_[static_cast<size_t>(page)].refs > 0; }
  // Makes a full, referenced page findable by lookup. A page already published, or a prefix
  // some other page already holds, is left as it is.
  void publish(int32_t page, uint64_t parent, std::span<const int32_t> tokens);

  int pages_referenced() const { return n_referenced_; }
  int pages_cached() const { return static_cast<int>(lru_.size()); }  // unreferenced, reusable
  int pages_free() const { return static_cast<int>(free_.size()); }
  // Pages a sequence could get now (free + evictable).
  int pages_available() const { return pages_free() + pages_cached(); }
  uint64_t hits() const { return hits_; }
  uint64_t evictions() const { return evictions_; }

 private:
  struct Page {
    int refs = 0;
    bool published = false;
    uint64_t hash = 0;
    uint64_t parent = 0;
    std::vector<int32_t> tokens;  // what it holds, checked on lookup (hashes can collide)
    std::list<int32_t>::iterator lru;
  };
  KvPool(KvCache storage, int n_pages, int shift);
  void unpublish(int32_t page);

  KvCache storage_;
  int shift_;
  std::vector<Page> pages_;
  std::vector<int32_t> free_;  // never published or evicted; popped from the back
  std::list<int32_t> lru_;     // published and unreferenced, least recently used first
  std::unordered_map<uint64_t, int32_t> by_hash_;
  int n_referenced_ = 0;
  uint64_t hits_ = 0;
  uint64_t evictions_ = 0;
};

}  // namespace ls::model
