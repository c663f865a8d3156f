// Open-addressing map from byte strings to int32 values, keys kept in one arena. The tokenizer's
// hot lookups (token text → id, BPE word cache) probe it with string_views: no allocation, no
// node chasing, the full hash stored per slot so mismatches rarely touch the key bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ls::tok {

uint64_t hash_bytes(std::string_view s);

class StringTable {
 public:
  static constexpr int32_t kAbsent = -1;

  void reserve(size_t n);
  void clear();
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t arena_bytes() const { return arena_.size(); }

  int32_t find(std::string_view key) const { return find(key, hash_bytes(key)); }
  int32_t find(std::string_view key, uint64_t hash) const;
  // key → value, replacing an existing value.
  void set(std::string_view key, int32_t value);
  // Adds key → value unless present; returns the value now stored.
  int32_t insert(std::string_view key, int32_t value);

  template <class F>
  void for_each(F&& f) const {
    for (const Slot& s : slots_) {
      if (s.len != kEmpty) f(std::string_view(arena_.data() + s.off, s.len), s.value);
    }
  }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  struct Slot {
    uint64_t hash;
    uint32_t off;
    uint32_t len;  // kEmpty marks a free slot
    int32_t value;
  };
  Slot* locate(std::string_view key, uint64_t hash);
  void grow();

  std::vector<Slot> slots_;
  std::string arena_;
  size_t size_ = 0;
  uint64_t mask_ = 0;
};

}  // namespace ls::tok
