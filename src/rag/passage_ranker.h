// Ranks passages against a question with BM25 computed over the passages themselves (the statistics
// of the candidate set, not of a stored index): used for chunks of freshly fetched web pages.
// Dense ranking hook: a PassageScorer that returns one score per passage can replace BM25 once an
// embedding model exists (see rag/retrieval_mode.h); nothing else changes.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "kb/analyzer.h"
#include "rag/passage.h"

namespace ls::rag {

using PassageScorer = std::function<std::vector<double>(const std::string& query, const std::vector<Passage>&)>;

// BM25 scores (k1 0.9, b 0.5 as kb's defaults) with the query analysed like a kb search query.
std::vector<double> bm25_scores(const std::string& query, const std::vector<Passage>& passages,
                                const kb::AnalyzerOptions& analyzer = {});

// Sets each passage's score and sorts best first (stable); passages scoring 0 are kept at the end.
void rank_passages(const std::string& query, std::vector<Passage>& passages, const PassageScorer& scorer = {});

}  // namespace ls::rag
