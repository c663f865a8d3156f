// What byte-level BPE (bpe.cpp) and SentencePiece BPE (spm.cpp) do alike once a word is cut into
// symbols: merge the best adjacent pair first (a heap, stale entries dropped when they surface,
// the merged symbol's new pairs queued), then emit each symbol left as its token, or, when it has
// none, as the byte-fallback tokens of its bytes. The models differ only in which pairs exist,
// which is best and how a stale entry is recognised; those come in as callables, so the loop and
// the fallback rule exist once and both models keep llama.cpp's order exactly.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "tokenizer/vocab.h"

namespace ls::tok {

// Token per byte value for pieces that have no token of their own; kNoToken drops the byte.
using ByteFallback = std::array<TokenId, 256>;

// `sym` is a linked list of byte ranges over the text (fields start, len, prev, next; index 0
// first, next = -1 at the end; len becomes 0 when a symbol is merged into its left neighbour).
// `find_pair(l, r, bigram)` fills the queue entry (with .left = l, .right = r) and returns true
// when the model can merge the pair; `after` is the heap order (the best pair on top);
// `stale(bigram, l, r)` recognises an entry outdated by earlier merges (both sides are known to
// be alive); `joined(bigram, l)` updates model state of the merged symbol.
template <class Symbol, class Bigram, class FindPair, class After, class Stale, class Joined>
void merge_best_pairs(std::vector<Symbol>& sym, std::vector<Bigram>& heap, FindPair find_pair, After after,
                      Stale stale, Joined joined) {
  auto queue = [&](int32_t l, int32_t r) {
    if (l < 0 || r < 0) return;
    Bigram b;
    if (!find_pair(l, r, b)) return;
    heap.push_back(b);
    std::push_heap(heap.begin(), heap.end(), after);
  };
  for (int32_t i = 1; i < static_cast<int32_t>(sym.size()); ++i) queue(i - 1, i);

  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), after);
    const Bigram b = heap.back();
    heap.pop_back();
    Symbol& l = sym[static_cast<size_t>(b.left)];
    Symbol& r = sym[static_cast<size_t>(b.right)];
    if (l.len == 0 || r.len == 0 || stale(b, l, r)) continue;
    l.len += r.len;
    joined(b, l);
    r.len = 0;
    l.next = r.next;
    if (r.next >= 0) sym[static_cast<size_t>(r.next)].prev = b.left;
    queue(l.prev, b.left);
    queue(b.left, l.next);
  }
}

// Appends the tokens of the symbols left in `sym` (non-empty, merged over `text`), in order:
// `token_of(symbol)` when it is a token, else `fallback` of each of its bytes.
template <class Symbol, class TokenOf>
void append_symbol_tokens(const std::vector<Symbol>& sym, std::string_view text, TokenOf token_of,
                          const ByteFallback& fallback, std::vector<TokenId>& out) {
  for (int32_t i = 0; i >= 0; i = sym[static_cast<size_t>(i)].next) {
    const Symbol& s = sym[static_cast<size_t>(i)];
    const TokenId id = token_of(s);
    if (id != kNoToken) {
      out.push_back(id);
      continue;
    }
    for (char c : text.substr(s.start, s.len)) {
      const TokenId bt = fallback[static_cast<uint8_t>(c)];
      if (bt != kNoToken) out.push_back(bt);
    }
  }
}

}  // namespace ls::tok
