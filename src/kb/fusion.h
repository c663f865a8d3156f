// Merging rankings of several retrievers into one (hybrid search).
//
// Reciprocal Rank Fusion (Cormack, Clarke & Büttcher 2009): score(d) = sum over lists of
// 1 / (k + rank_list(d)), rank 1-based; a list that did not return d adds nothing. k = 60 damps
// the head of each list so one retriever's first place cannot outvote agreement further down.
//
// Weighted score fusion: each list's scores are min-max normalised to [0, 1] (all equal: 1), then
// score(d) = sum over lists of weight_list * normalised_list(d); absent from a list adds 0.
//
// Both keep every list's view of a hit in found_by (retriever, rank, score), in list order. Ties
// go to the hit with the better best single rank, then to the lower chunk id, so results are
// deterministic.
#pragma once

#include <string>
#include <vector>

#include "kb/types.h"

namespace ls::kb {

struct RankedList {
  std::string retriever;  // "bm25", "dense"
  std::vector<SearchHit> hits;  // best first
  double weight = 1.0;          // weighted fusion only
};

std::vector<SearchHit> fuse_rrf(const std::vector<RankedList>& lists, int k, size_t top_k);
std::vector<SearchHit> fuse_weighted(const std::vector<RankedList>& lists, size_t top_k);

}  // namespace ls::kb
