#include "rag/passage_ranker.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace ls::rag {

std::vector<double> bm25_scores(const std::string& query, const std::vector<Passage>& passages,
                                const kb::AnalyzerOptions& analyzer_options) {
  constexpr double k1 = 0.9, b = 0.5;
  kb::Analyzer analyzer(analyzer_options);
  std::vector<std::string> q = kb::drop_question_terms(analyzer.terms(query));
  std::sort(q.begin(), q.end());
  q.erase(std::unique(q.begin(), q.end()), q.end());
  std::vector<std::unordered_map<std::string, int>> tf(passages.size());
  std::vector<double> len(passages.size(), 0);
  std::unordered_map<std::string, int> df;
  double total = 0;
  for (size_t i = 0; i < passages.size(); ++i) {
    for (auto& t : analyzer.terms(passages[i].title + "\n" + passages[i].text)) {
      ++len[i];
      if (std::binary_search(q.begin(), q.end(), t) && tf[i][t]++ == 0) ++df[t];
    }
    total += len[i];
  }
  const double n = static_cast<double>(passages.size());
  const double avg = n > 0 && total > 0 ? total / n : 1;
  std::vector<double> scores(passages.size(), 0);
  for (size_t i = 0; i < passages.size(); ++i) {
    for (const auto& [term, f] : tf[i]) {
      const double idf = std::log(1 + (n - df[term] + 0.5) / (df[term] + 0.5));
      scores[i] += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * len[i] / avg));
    }
  }
  return scores;
}

void rank_passages(const std::string& query, std::vector<Passage>& passages, const PassageScorer& scorer) {
  std::vector<double> s = scorer ? scorer(query, passages) : bm25_scores(query, passages);
  for (size_t i = 0; i < passages.size() && i < s.size(); ++i) passages[i].score = s[i];
  std::stable_sort(passages.begin(), passages.end(),
                   [](const Passage& a, const Passage& b) { return a.score > b.score; });
}

}  // namespace ls::rag
