// Byte-level BPE over one pre-token word. Works on raw bytes: the vocabulary's mapped token texts
// (byte_unicode.h) are decoded once at build time, merges become pairs of symbol ids with a rank,
// and the word is merged lowest rank first (leftmost on ties) with a priority queue, exactly the
// order llama.cpp uses.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "tokenizer/symbol_merge.h"
#include "tokenizer/vocab.h"

namespace ls::tok {

class BpeModel {
 public:
  explicit BpeModel(const Vocab& vocab);

  // Appends the tokens of `word` (raw bytes of one pre-token) to `out`.
  void encode_word(std::string_view word, std::vector<TokenId>& out) const;

  // Token id whose decoded text is exactly `raw`, or kNoToken.
  TokenId find_raw(std::string_view raw) const;
  size_t merges_used() const { return n_merges_; }
  size_t merges_skipped() const { return n_skipped_; }

 private:
  struct Merge {
    int32_t rank;
    int32_t result;  // symbol id of the merged text
  };
  // Open-addressing map (left symbol id, right symbol id) → merge; built once, read-only after.
  // Key and value share a 16-byte slot: a lookup costs one cache miss, not two.
  struct MergeSlot {
    uint64_t key;
    Merge merge;
  };
  struct MergeTable {
    std::vector<MergeSlot> slots;
    uint64_t mask = 0;
    void reserve(size_t n);
    bool insert(uint64_t key, Merge m);  // false when the key was already present
    const Merge* find(uint64_t key) const;
  };
  static uint64_t pair_key(int32_t l, int32_t r) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(l)) << 32) | static_cast<uint32_t>(r);
  }
  int32_t symbol_id(std::string_view raw, bool create);

  const Vocab* vocab_;
  // Symbol ids: raw text of every token and of every text a merge mentions. Ids below
  // vocab.size() are token ids; the others are merge-only texts (no token of their own).
  StringTable raw_to_symbol_;
  std::vector<TokenId> symbol_token_;  // symbol id → token id or kNoToken
  int32_t byte_symbol_[256];
  ByteFallback byte_fallback_;  // a printable ASCII byte's own one-character token
  MergeTable merges_;
  size_t n_merges_ = 0, n_skipped_ = 0;
};

}  // namespace ls::tok
