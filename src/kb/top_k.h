// The k best (score, id) pairs of a stream, kept in a min-heap whose root is the weakest kept hit.
// Ties on score go to the smaller id (ids are stored negated, so a larger pair is always better),
// which keeps BM25 and dense rankings deterministic.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace ls::kb {

class TopK {
 public:
  explicit TopK(size_t k) : k_(k) { heap_.reserve(k + 1); }

  void offer(double score, int64_t id) {
    if (k_ == 0) return;
    const Scored s{score, -id};
    if (heap_.size() < k_) {
      heap_.push_back(s);
      std::push_heap(heap_.begin(), heap_.end(), weaker);
    } else if (s > heap_.front()) {
      std::pop_heap(heap_.begin(), heap_.end(), weaker);
      heap_.back() = s;
      std::push_heap(heap_.begin(), heap_.end(), weaker);
    }
  }

  // (id, score), best first.
  std::vector<std::pair<int64_t, double>> take() {
    std::sort(heap_.begin(), heap_.end(), [](const Scored& a, const Scored& b) { return a > b; });
    std::vector<std::pair<int64_t, double>> out;
    out.reserve(heap_.size());
    for (const auto& [score, neg_id] : heap_) out.emplace_back(-neg_id, score);
    heap_.clear();
    return out;
  }

 private:
  using Scored = std::pair<double, int64_t>;  // (score, -id): larger is better
  static bool weaker(const Scored& a, const Scored& b) { return a > b; }
  size_t k_;
  std::vector<Scored> heap_;
};

}  // namespace ls::kb
