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

PassageScorer hybrid_scorer(kb::Embedder& embedder, std::vector<std::string>* warnings) {
  return [&embedder, warnings](const std::string& query, const std::vector<Passage>& passages) {
    std::vector<double> bm25 = bm25_scores(query, passages);
    if (passages.empty()) return bm25;
    std::vector<std::string> texts;
    for (const auto& p : passages) texts.push_back(p.title + "\n" + p.text);
    auto q = embedder.embed({query}, kb::EmbedPurpose::kQuery);
    auto d = q.ok() ? embedder.embed(texts, kb::EmbedPurpose::kDocument) : q;
    if (!q.ok() || !d.ok() || q->size() != 1 || d->size() != passages.size()) {
      if (warnings != nullptr)
        warnings->push_back("web chunks ranked by bm25 only: embedding failed" +
                            (!q.ok() ? ": " + q.error().message : !d.ok() ? ": " + d.error().message : std::string()));
      return bm25;
    }
    std::vector<double> cosine(passages.size(), 0);
    const std::vector<float>& qv = (*q)[0];
    for (size_t i = 0; i < passages.size(); ++i) {
      const std::vector<float>& v = (*d)[i];
      double dot = 0, nq = 0, nv = 0;
      for (size_t k = 0; k < v.size() && k < qv.size(); ++k) {
        dot += static_cast<double>(qv[k]) * v[k];
        nq += static_cast<double>(qv[k]) * qv[k];
        nv += static_cast<double>(v[k]) * v[k];
      }
      cosine[i] = nq > 0 && nv > 0 ? dot / std::sqrt(nq * nv) : 0;
    }
    // Ranks (1-based) by each score, ties by position; BM25 zero scores are not a ranking.
    auto rrf_add = [&](const std::vector<double>& s, bool skip_zero, std::vector<double>& out) {
      std::vector<size_t> order(s.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return s[a] > s[b]; });
      for (size_t r = 0; r < order.size(); ++r)
        if (!skip_zero || s[order[r]] > 0) out[order[r]] += 1.0 / (60.0 + static_cast<double>(r + 1));
    };
    std::vector<double> fused(passages.size(), 0);
    rrf_add(bm25, true, fused);
    rrf_add(cosine, false, fused);
    return fused;
  };
}

void rank_passages(const std::string& query, std::vector<Passage>& passages, const PassageScorer& scorer) {
  std::vector<double> s = scorer ? scorer(query, passages) : bm25_scores(query, passages);
  for (size_t i = 0; i < passages.size() && i < s.size(); ++i) passages[i].score = s[i];
  std::stable_sort(passages.begin(), passages.end(),
                   [](const Passage& a, const Passage& b) { return a.score > b.score; });
}

}  // namespace ls::rag
