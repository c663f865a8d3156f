// Memo of tokenizer results per word, shared by all threads using one Tokenizer.
#pragma once

#include <cstdint>
#include <mutex>
#include <string_view>
#include <vector>

#include "tokenizer/string_table.h"
#include "tokenizer/vocab.h"

namespace ls::tok {

// Per-word memo of merge results (BPE pre-tokens, SentencePiece words): natural text repeats
// words constantly, so most words are looked up, not merged. Thread-safe (one mutex; a lookup is
// short). Flat storage (keys and ids in arenas); cleared when it outgrows its budget.
class WordCache {
 public:
  static constexpr size_t kMaxWordBytes = 128;

  bool lookup(std::string_view word, uint64_t hash, std::vector<TokenId>& out) {
    std::lock_guard<std::mutex> lock(mu_);
    const int32_t e = index_.find(word, hash);
    if (e < 0) return false;
    const Entry& x = entries_[static_cast<size_t>(e)];
    out.insert(out.end(), ids_.begin() + x.off, ids_.begin() + x.off + x.len);
    return true;
  }
  void store(std::string_view word, const TokenId* ids, size_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() >= kMaxEntries) {
      index_.clear();
      entries_.clear();
      ids_.clear();
    }
    const auto e = static_cast<int32_t>(entries_.size());
    if (index_.insert(word, e) != e) return;  // another thread stored it meanwhile
    entries_.push_back({static_cast<uint32_t>(ids_.size()), static_cast<uint32_t>(n)});
    ids_.insert(ids_.end(), ids, ids + n);
  }

 private:
  static constexpr size_t kMaxEntries = size_t{1} << 17;
  struct Entry {
    uint32_t off;
    uint32_t len;
  };
  std::mutex mu_;
  StringTable index_;
  std::vector<Entry> entries_;
  std::vector<TokenId> ids_;
};

}  // namespace ls::tok
