#include "kb/fusion.h"

#include <algorithm>
#include <climits>
#include <unordered_map>

namespace ls::kb {
namespace {

struct Acc {
  SearchHit hit;
  double score = 0;
  int best_rank = INT_MAX;
};

// Adds every list's hits to one table keyed by chunk id; `contribution(list, position)` is what a
// hit at that position of that list adds to its fused score.
template <class F>
std::vector<SearchHit> fuse(const std::vector<RankedList>& lists, size_t top_k, F contribution) {
  std::unordered_map<int64_t, size_t> at;
  std::vector<Acc> acc;
  for (size_t l = 0; l < lists.size(); ++l) {
    const auto& hits = lists[l].hits;
    for (size_t i = 0; i < hits.size(); ++i) {
      const SearchHit& h = hits[i];
      const int rank = static_cast<int>(i) + 1;
      auto [it, fresh] = at.emplace(h.chunk_id, acc.size());
      if (fresh) {
        acc.push_back({h, 0, INT_MAX});
        acc.back().hit.found_by.clear();
      }
      Acc& a = acc[it->second];
      a.score += contribution(l, i);
      a.best_rank = std::min(a.best_rank, rank);
      a.hit.found_by.push_back({lists[l].retriever, rank, h.score});
    }
  }
  std::sort(acc.begin(), acc.end(), [](const Acc& a, const Acc& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.best_rank != b.best_rank) return a.best_rank < b.best_rank;
    return a.hit.chunk_id < b.hit.chunk_id;
  });
  std::vector<SearchHit> out;
  for (size_t i = 0; i < acc.size() && i < top_k; ++i) {
    out.push_back(std::move(acc[i].hit));
    out.back().score = acc[i].score;
  }
  return out;
}

}  // namespace

std::vector<SearchHit> fuse_rrf(const std::vector<RankedList>& lists, int k, size_t top_k) {
  return fuse(lists, top_k, [k](size_t, size_t i) { return 1.0 / (static_cast<double>(k) + static_cast<double>(i + 1)); });
}

std::vector<SearchHit> fuse_weighted(const std::vector<RankedList>& lists, size_t top_k) {
  std::vector<std::pair<double, double>> range;  // (min, max) per list
  for (const auto& l : lists) {
    double lo = 0, hi = 0;
    for (size_t i = 0; i < l.hits.size(); ++i) {
      lo = i == 0 ? l.hits[i].score : std::min(lo, l.hits[i].score);
      hi = i == 0 ? l.hits[i].score : std::max(hi, l.hits[i].score);
    }
    range.emplace_back(lo, hi);
  }
  return fuse(lists, top_k, [&](size_t l, size_t i) {
    const auto [lo, hi] = range[l];
    const double norm = hi > lo ? (lists[l].hits[i].score - lo) / (hi - lo) : 1.0;
    return lists[l].weight * norm;
  });
}

}  // namespace ls::kb
