// `localseek eval rag`: does the answer reach the model? On a BEIR-layout folder that also carries
// answers.jsonl ({"_id", "answers": [...]}), the corpus is ingested into a scratch knowledge base,
// each question is retrieved and packed exactly as for a grounded answer, and a question counts as
// a hit when one of its answer strings occurs in the packed context (case and whitespace folded).
// Reported per retrieval mode and context budget; no model needed (tokens are counted with the
// given tokenizer, or kb's estimate).
//
// With a generator (a chat model), every question is also answered from its packed context (the
// grounded prompt a real answer gets) and the answer text, reasoning split off, is scored with
// exact match and F1 against the gold answers (rag/answer_metrics.h).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kb/embedder.h"
#include "rag/context_packer.h"
#include "rag/rag_pipeline.h"

namespace ls::rag {

// What the chat model made of one grounded prompt: the answer text only, reasoning split off.
struct GeneratedAnswer {
  std::string answer;
  std::string reasoning;
  bool reasoning_closed = true;  // false: generation stopped inside the think block (no answer yet)
  int prompt_tokens = 0;
  int completion_tokens = 0;
};
using AnswerGenerator = std::function<Result<GeneratedAnswer>(const std::vector<Message>& messages)>;

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
  AnswerGenerator generate;                // set: answers are generated and scored (EM/F1)
  // Called after each generated answer (progress display).
  std::function<void(const char* mode, int budget, size_t done, size_t total)> progress;
};

// One generated answer and its scores (kept for the report and for inspection).
struct ScoredAnswer {
  std::string id;
  std::string answer;
  double exact_match = 0, f1 = 0;
  bool reasoning_closed = true;
  size_t reasoning_chars = 0;
  int prompt_tokens = 0, completion_tokens = 0;
};

struct AnswerEvalCell {
  RetrievalMode mode = RetrievalMode::kBm25;
  int budget = 0;
  bool available = true;
  std::string note;          // e.g. "unavailable: no embedding model"
  double answer_in_context = 0;  // share of questions
  double mean_passages = 0;
  double mean_tokens = 0;
  // With a generator:
  bool generated = false;
  double exact_match = 0, f1 = 0;   // means over the questions, in [0, 1]
  int64_t empty_answers = 0;        // answer text empty after the reasoning was split off
  int64_t unfinished_reasoning = 0; // of those: stopped inside the think block
  double mean_completion_tokens = 0;
  double generate_s = 0;
  std::vector<ScoredAnswer> answers;
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
