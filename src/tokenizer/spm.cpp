#include "tokenizer/spm.h"

#include <algorithm>
#include <cstdio>

#include "tokenizer/symbol_merge.h"
#include "tokenizer/word_cache.h"

namespace ls::tok {

static constexpr std::string_view kSpace = "\xE2\x96\x81";  // '▁'

SpmModel::SpmModel(const Vocab& vocab) : vocab_(&vocab) {
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    TokenId id = vocab.find(name);
    if (id == kNoToken) {
      const char c = static_cast<char>(b);
      id = vocab.find({&c, 1});  // vocabularies without byte tokens may spell the byte itself
    }
    byte_tokens_[static_cast<size_t>(b)] = id != kNoToken ? id : vocab.unk;
  }
  words_independent_ = true;
  for (const std::string& t : vocab.tokens) {
    for (size_t p = t.find(kSpace, 1); p != std::string::npos; p = t.find(kSpace, p + 1)) {
      if (p < 3 || t.compare(p - 3, 3, kSpace) != 0) {
        words_independent_ = false;
        break;
      }
    }
    if (!words_independent_) break;
  }
}

void SpmModel::encode(std::string_view text, std::vector<TokenId>& out, WordCache* cache) const {
  if (!words_independent_) {
    encode_segment(text, out);
    return;
  }
  auto word = [&](std::string_view w) {
    if (cache == nullptr || w.size() > WordCache::kMaxWordBytes) {
      encode_segment(w, out);
      return;
    }
    if (cache->lookup(w, hash_bytes(w), out)) return;
    const size_t before = out.size();
    encode_segment(w, out);
    cache->store(w, out.data() + before, out.size() - before);
  };
  size_t start = 0;
  for (size_t p = text.find(kSpace, 1); p != std::string_view::npos; p = text.find(kSpace, p + 1)) {
    if (p >= 3 && text.compare(p - 3, 3, kSpace) == 0) continue;  // inside a '▁' run
    word(text.substr(start, p - start));
    start = p;
  }
  word(text.substr(start));
}

std::string escape_spaces(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  for (char c : text) {
    if (c == ' ') {
      out += "\xE2\x96\x81";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

namespace {

struct Symbol {
  uint32_t start;
  uint32_t len;
  int32_t prev;
  int32_t next;
};

struct Bigram {
  float score;
  int32_t left;
  int32_t right;
  uint32_t size;  // bytes of the merged text; a mismatch marks a stale entry
};

// Heap order: highest score on top, then the leftmost pair.
struct BigramAfter {
  bool operator()(const Bigram& a, const Bigram& b) const {
    return a.score < b.score || (a.score == b.score && a.left > b.left);
  }
};

}  // namespace

void SpmModel::encode_segment(std::string_view text, std::vector<TokenId>& out) const {
  if (text.empty()) return;
  thread_local std::vector<Symbol> sym;
  thread_local std::vector<Bigram> heap;
  sym.clear();
  heap.clear();
  for (size_t off = 0; off < text.size();) {
    // Length from the lead byte's high nibble only, as llama.cpp does: invalid input still
    // splits the same way and ends up as byte tokens, so nothing is lost.
    static constexpr uint8_t kLen[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    const size_t len = std::min<size_t>(kLen[static_cast<uint8_t>(text[off]) >> 4], text.size() - off);
    const auto idx = static_cast<int32_t>(sym.size());
    sym.push_back({static_cast<uint32_t>(off), static_cast<uint32_t>(len), idx - 1,
                   off + len == text.size() ? -1 : idx + 1});
    off += len;
  }
  merge_best_pairs(
      sym, heap,
      [&](int32_t l, int32_t r, Bigram& b) {
        const Symbol& a = sym[static_cast<size_t>(l)];
        const std::string_view merged = text.substr(a.start, a.len + sym[static_cast<size_t>(r)].len);
        const TokenId id = vocab_->find(merged);
        if (id == kNoToken) return false;
        b = {vocab_->scores[static_cast<size_t>(id)], l, r, static_cast<uint32_t>(merged.size())};
        return true;
      },
      BigramAfter{},
      [](const Bigram& b, const Symbol& l, const Symbol& r) { return l.len + r.len != b.size; },
      [](const Bigram&, Symbol&) {});

  append_symbol_tokens(
      sym, text, [&](const Symbol& s) { return vocab_->find(text.substr(s.start, s.len)); }, byte_tokens_, out);
}

}  // namespace ls::tok
