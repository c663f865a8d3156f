#include "tokenizer/bpe.h"

#include <algorithm>

#include "tokenizer/byte_unicode.h"
#include "tokenizer/symbol_merge.h"

namespace ls::tok {

void BpeModel::MergeTable::reserve(size_t n) {
  size_t cap = 16;
  while (cap < n * 2) cap <<= 1;
  slots.assign(cap, MergeSlot{~uint64_t{0}, Merge{0, 0}});
  mask = cap - 1;
}

static inline uint64_t mix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  return k;
}

bool BpeModel::MergeTable::insert(uint64_t key, Merge m) {
  for (uint64_t i = mix(key) & mask;; i = (i + 1) & mask) {
    if (slots[i].key == key) return false;
    if (slots[i].key == ~uint64_t{0}) {
      slots[i] = {key, m};
      return true;
    }
  }
}

const BpeModel::Merge* BpeModel::MergeTable::find(uint64_t key) const {
  for (uint64_t i = mix(key) & mask;; i = (i + 1) & mask) {
    if (slots[i].key == key) return &slots[i].merge;
    if (slots[i].key == ~uint64_t{0}) return nullptr;
  }
}

int32_t BpeModel::symbol_id(std::string_view raw, bool create) {
  const int32_t found = raw_to_symbol_.find(raw);
  if (found != StringTable::kAbsent || !create) return found;
  const auto id = static_cast<int32_t>(symbol_token_.size());
  symbol_token_.push_back(kNoToken);
  raw_to_symbol_.set(raw, id);
  return id;
}

BpeModel::BpeModel(const Vocab& vocab) : vocab_(&vocab) {
  const size_t n = vocab.size();
  symbol_token_.assign(n, kNoToken);
  raw_to_symbol_.reserve(n + vocab.merges.size());
  // A token is reachable from text when its mapped spelling decodes to bytes; a later id with
  // the same bytes wins, as in a text → id map filled in id order.
  for (size_t i = 0; i < n; ++i) {
    auto raw = decode_byte_level(vocab.tokens[i]);
    if (!raw) continue;
    raw_to_symbol_.set(*raw, static_cast<int32_t>(i));
  }
  raw_to_symbol_.for_each(
      [&](std::string_view, int32_t sid) { symbol_token_[static_cast<size_t>(sid)] = sid; });
  // Duplicates left some token ids unreachable; their symbol entries stay kNoToken, which is
  // harmless because no raw text maps to them.
  for (size_t i = 0; i < n; ++i) {
    if (symbol_token_[i] != static_cast<TokenId>(i)) symbol_token_[i] = kNoToken;
  }

  merges_.reserve(vocab.merges.size());
  for (size_t rank = 0; rank < vocab.merges.size(); ++rank) {
    const std::string& m = vocab.merges[rank];
    const size_t sp = m.size() > 1 ? m.find(' ', 1) : std::string::npos;
    if (sp == std::string::npos) {
      ++n_skipped_;
      continue;
    }
    auto left = decode_byte_level(std::string_view(m).substr(0, sp));
    auto right = decode_byte_level(std::string_view(m).substr(sp + 1));
    if (!left || !right || left->empty() || right->empty()) {
      ++n_skipped_;
      continue;
    }
    const int32_t l = symbol_id(*left, true);
    const int32_t r = symbol_id(*right, true);
    const int32_t res = symbol_id(*left + *right, true);
    if (merges_.insert(pair_key(l, r), Merge{static_cast<int32_t>(rank), res})) ++n_merges_;
  }

  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    byte_symbol_[b] = symbol_id(std::string_view(&c, 1), false);
  }
  // llama.cpp falls back to the one-character tokens of a piece's bytes, which only exist for
  // bytes spelled as themselves (printable ASCII); the other bytes are dropped.
  byte_fallback_.fill(kNoToken);
  for (int b = 0; b < 128; ++b) {
    const char c = static_cast<char>(b);
    if (byte_to_unicode(static_cast<uint8_t>(b)) < 0x80) byte_fallback_[static_cast<size_t>(b)] = vocab.find({&c, 1});
  }
}

TokenId BpeModel::find_raw(std::string_view raw) const {
  const int32_t sid = raw_to_symbol_.find(raw);
  return sid < 0 ? kNoToken : symbol_token_[static_cast<size_t>(sid)];
}

namespace {

struct Symbol {
  uint32_t start;
  uint32_t len;  // 0 once merged into its left neighbour
  int32_t prev;
  int32_t next;
  int32_t sid;
};

struct Bigram {
  int32_t rank;
  int32_t left;
  int32_t right;
  int32_t left_sid;
  int32_t right_sid;
  int32_t result;
};

// Heap order: lowest rank on top, then the leftmost pair.
struct BigramAfter {
  bool operator()(const Bigram& a, const Bigram& b) const {
    return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
  }
};

struct Scratch {
  std::vector<Symbol> symbols;
  std::vector<Bigram> heap;
};

}  // namespace

void BpeModel::encode_word(std::string_view word, std::vector<TokenId>& out) const {
  if (word.empty()) return;
  if (vocab_->ignore_merges) {
    const TokenId whole = find_raw(word);
    if (whole != kNoToken) {
      out.push_back(whole);
      return;
    }
  }
  thread_local Scratch s;
  auto& sym = s.symbols;
  auto& heap = s.heap;
  sym.clear();
  heap.clear();
  const auto n = static_cast<int32_t>(word.size());
  for (int32_t i = 0; i < n; ++i) {
    sym.push_back({static_cast<uint32_t>(i), 1, i - 1, i + 1 < n ? i + 1 : -1,
                   byte_symbol_[static_cast<uint8_t>(word[static_cast<size_t>(i)])]});
  }
  merge_best_pairs(
      sym, heap,
      [&](int32_t l, int32_t r, Bigram& b) {
        const int32_t ls = sym[static_cast<size_t>(l)].sid, rs = sym[static_cast<size_t>(r)].sid;
        if (ls < 0 || rs < 0) return false;
        const Merge* m = merges_.find(pair_key(ls, rs));
        if (m == nullptr) return false;
        b = {m->rank, l, r, ls, rs, m->result};
        return true;
      },
      BigramAfter{},
      // Stale entry: one side has grown since the pair was queued.
      [](const Bigram& b, const Symbol& l, const Symbol& r) {
        return l.sid != b.left_sid || r.sid != b.right_sid || l.next != b.right;
      },
      [](const Bigram& b, Symbol& l) { l.sid = b.result; });

  // A piece without a token falls back to the one-character tokens of its bytes (byte_fallback_).
  append_symbol_tokens(
      sym, word,
      [&](const Symbol& x) { return x.sid >= 0 ? symbol_token_[static_cast<size_t>(x.sid)] : kNoToken; },
      byte_fallback_, out);
}

}  // namespace ls::tok
