#include "rag/context_packer.h"

#include <set>

#include "kb/token_estimate.h"
#include "util/utf8.h"

namespace ls::rag {
namespace {

std::string fold(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

// The longest prefix of `text` (on a UTF-8 boundary) whose rendering costs at most `room` tokens.
std::string cut_to_fit(const Passage& p, size_t n, int room, const TokenCounter& count, const PassageRenderer& render) {
  size_t lo = 0, hi = p.text.size();
  Passage probe = p;
  while (lo < hi) {
    size_t mid = (lo + hi + 1) / 2;
    while (mid > lo && mid < p.text.size() && (static_cast<unsigned char>(p.text[mid]) & 0xC0) == 0x80) --mid;
    if (mid == lo) break;
    probe.text = p.text.substr(0, mid) + " …";
    if (count(render(n, probe)) <= room) lo = mid;
    else hi = mid - 1;
  }
  while (lo > 0 && lo < p.text.size() && (static_cast<unsigned char>(p.text[lo]) & 0xC0) == 0x80) --lo;
  return lo == 0 ? "" : p.text.substr(0, lo) + " …";
}

}  // namespace

TokenCounter estimate_counter() {
  return [](std::string_view s) { return kb::estimate_tokens(s); };
}

Packed pack_context(std::vector<Passage> ranked, const PackOptions& o, const TokenCounter& count,
                    const PassageRenderer& render) {
  Packed out;
  std::set<std::string> seen_text;
  std::set<std::pair<std::string, int64_t>> seen_chunk;
  bool full = false;
  for (auto& p : ranked) {
    if (!seen_chunk.insert({p.collection + "\n" + p.source, p.chunk_id}).second ||
        !seen_text.insert(fold(p.text)).second) {
      out.dropped.push_back({std::move(p), "duplicate"});
      continue;
    }
    if (full) {
      out.dropped.push_back({std::move(p), "over budget"});
      continue;
    }
    if (static_cast<int>(out.passages.size()) >= o.max_passages) {
      out.dropped.push_back({std::move(p), "too many passages"});
      continue;
    }
    const size_t n = out.passages.size() + 1;
    const int cost = count(render(n, p));
    const int room = o.budget_tokens - out.tokens;
    if (cost <= room) {
      out.tokens += cost;
      out.passages.push_back(std::move(p));
      continue;
    }
    full = true;
    if (room >= o.min_tail_tokens) {
      std::string cut = cut_to_fit(p, n, room, count, render);
      if (!cut.empty()) {
        Passage q = p;
        q.text = std::move(cut);
        out.tokens += count(render(n, q));
        out.passages.push_back(std::move(q));
        continue;
      }
    }
    out.dropped.push_back({std::move(p), "over budget"});
  }
  return out;
}

}  // namespace ls::rag
