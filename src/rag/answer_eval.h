// `localseek eval rag`: does the answer reach the model? On a BEIR-layout folder that also carries
// answers.jsonl ({"_id", "answers": [...]}), the corpus is ingested into a scratch knowledge base,
// each question is retrieved and packed exactly as for a grounded answer, and a question counts as
// a hit when one of its answer strings occurs in the packed context (case and whitespace folded).
// Reported per retrieval mode and context budget; no model needed (tokens are counted with the
// given tokenizer, or kb's estimate).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kb/embedder.h"
#include "rag/context_packer.h"
#include "rag/rag_pipeline.h"

namespace ls::rag {

struct AnswerEvalOptions {
  std::string dataset_dir;
  std::vector<int> budgets = {256, 512, 1024, 2048};
  std::vector<RetrievalMode> modes = {RetrievalMode::kBm25, RetrievalMode::kHybrid, RetrievalMode::kDense};
  int top_k = 20;
  int chunk_tokens = 256;
  int chunk_overlap = 32;
  TokenCounter count;  // null: kb's estimate
  size_t limit = 0;    // first N questions with answers (0: all)
  std::string scratch_dir;  // empty: a fresh folder under $TMPDIR, removed afterwards
  std::shared_ptr<kb::Embedder> embedder;  // dense and hybrid need it; without, they are reported unavailable
};

struct AnswerEvalCell {
  RetrievalMode mode = RetrievalMode::kBm25;
  int budget = 0;
  bool available = true;
  std::string note;          // e.g. "unavailable: no embedding model"
  double answer_in_context = 0;  // share of questions
  double mean_passages = 0;
  double mean_tokens = 0;
};

struct AnswerEvalResult {
  int64_t questions = 0, documents = 0, chunks = 0;
  double ingest_s = 0, eval_s = 0;
  std::vector<AnswerEvalCell> cells;
};

Result<AnswerEvalResult> evaluate_answer_recall(const AnswerEvalOptions& options);

// Case- and whitespace-folded containment, as the metric uses it.
bool answer_in_text(const std::string& answer, const std::string& text);

}  // namespace ls::rag
