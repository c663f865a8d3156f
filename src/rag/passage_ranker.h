// Ranks passages against a question with BM25 computed over the passages themselves (the statistics
// of the candidate set, not of a stored index): used for chunks of freshly fetched web pages.
// With an embedding model, hybrid_scorer() ranks them by BM25 and by cosine similarity and fuses
// the two rankings with RRF (k = 60), as the knowledge base's hybrid search does.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "kb/analyzer.h"
#include "kb/embedder.h"
#include "rag/passage.h"

namespace ls::rag {

using PassageScorer = std::function<std::vector<double>(const std::string& query, const std::vector<Passage>&)>;

// BM25 scores (k1 0.9, b 0.5 as kb's defaults) with the query analysed like a kb search query.
std::vector<double> bm25_scores(const std::string& query, const std::vector<Passage>& passages,
                                const kb::AnalyzerOptions& analyzer = {});

// RRF (k = 60) of the BM25 ranking and the dense ranking (query embedded as kQuery, passages as
// kDocument). If embedding fails, BM25 alone, with a warning added to `warnings` (may be null).
// The embedder must outlive the scorer.
PassageScorer hybrid_scorer(kb::Embedder& embedder, std::vector<std::string>* warnings);

// Sets each passage's score and sorts best first (stable); passages scoring 0 are kept at the end.
void rank_passages(const std::string& query, std::vector<Passage>& passages, const PassageScorer& scorer = {});

}  // namespace ls::rag
