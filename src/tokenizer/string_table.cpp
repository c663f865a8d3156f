#include "tokenizer/string_table.h"

#include <cstring>

namespace ls::tok {

uint64_t hash_bytes(std::string_view s) {
  // 8 bytes at a time with a multiply-xorshift mix: token texts and words are short.
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = s.size() * kMul;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  if (i < s.size()) {
    uint64_t w = 0;
    std::memcpy(&w, s.data() + i, s.size() - i);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 31);
}

void StringTable::reserve(size_t n) {
  size_t cap = 16;
  while (cap < n * 2) cap <<= 1;
  if (cap <= slots_.size()) return;
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(cap, Slot{0, 0, kEmpty, 0});
  mask_ = cap - 1;
  for (const Slot& s : old) {
    if (s.len == kEmpty) continue;
    uint64_t i = s.hash & mask_;
    while (slots_[i].len != kEmpty) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

void StringTable::clear() {
  for (Slot& s : slots_) s.len = kEmpty;
  arena_.clear();
  size_ = 0;
}

void StringTable::grow() { reserve(slots_.empty() ? 8 : slots_.size()); }

int32_t StringTable::find(std::string_view key, uint64_t hash) const {
  if (slots_.empty()) return kAbsent;
  for (uint64_t i = hash & mask_;; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.len == kEmpty) return kAbsent;
    if (s.hash == hash && s.len == key.size() &&
        std::memcmp(arena_.data() + s.off, key.data(), key.size()) == 0) {
      return s.value;
    }
  }
}

StringTable::Slot* StringTable::locate(std::string_view key, uint64_t hash) {
  if ((size_ + 1) * 2 > slots_.size()) grow();
  for (uint64_t i = hash & mask_;; i = (i + 1) & mask_) {
    Slot& s = slots_[i];
    if (s.len == kEmpty) {
      s.hash = hash;
      s.off = static_cast<uint32_t>(arena_.size());
      s.len = static_cast<uint32_t>(key.size());
      s.value = kAbsent;
      arena_.append(key);
      ++size_;
      return &s;
    }
    if (s.hash == hash && s.len == key.size() &&
        std::memcmp(arena_.data() + s.off, key.data(), key.size()) == 0) {
      return &s;
    }
  }
}

void StringTable::set(std::string_view key, int32_t value) {
  locate(key, hash_bytes(key))->value = value;
}

int32_t StringTable::insert(std::string_view key, int32_t value) {
  Slot* s = locate(key, hash_bytes(key));
  if (s->value == kAbsent) s->value = value;
  return s->value;
}

}  // namespace ls::tok
