// `localseek eval rag`: share of questions whose answer lands in the packed context, per retrieval
// mode and context budget (rag/answer_eval.h).
#include "cli/cmd_eval_rag.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/embedding_flags.h"
#include "rag/answer_eval.h"
#include "tokenizer/tokenizer.h"

namespace ls::cli {
namespace {

struct EvalRagArgs {
  std::string dataset, vocab, embedding_model;
  std::vector<int> budgets = {256, 512, 1024, 2048};
  std::vector<std::string> modes = {"bm25", "hybrid", "dense"};
  int top_k = 20, chunk_tokens = 256;
  size_t limit = 0;
  bool json = false;
};

int run(const EvalRagArgs& a) {
  rag::AnswerEvalOptions o;
  o.dataset_dir = a.dataset;
  o.budgets = a.budgets;
  o.top_k = a.top_k;
  o.chunk_tokens = a.chunk_tokens;
  o.chunk_overlap = a.chunk_tokens / 8;
  o.limit = a.limit;
  o.modes.clear();
  for (const auto& m : a.modes) {
    auto mode = rag::parse_retrieval_mode(m);
    if (!mode.ok()) return report_error(mode.error().message, 2);
    o.modes.push_back(*mode);
  }
  if (!a.embedding_model.empty()) {
    auto e = open_embedder(a.embedding_model);
    if (!e.ok()) return report_error(e.error().message);
    o.embedder = *e;
  }
  std::string counter = "kb estimate";
  std::shared_ptr<tok::Tokenizer> tokenizer;
  if (!a.vocab.empty()) {
    auto t = tok::Tokenizer::open(a.vocab);
    if (!t.ok()) return report_error(t.error().message);
    tokenizer = std::make_shared<tok::Tokenizer>(std::move(t).value());
    o.count = [tokenizer](std::string_view s) {
      auto ids = tokenizer->tokenize(s, tok::TokenizeOptions{.add_special = false, .parse_special = false});
      return ids.ok() ? static_cast<int>(ids->size()) : 0;
    };
    counter = a.vocab;
  }
  auto r = rag::evaluate_answer_recall(o);
  if (!r.ok()) return report_error(r.error().message);
  if (a.json) {
    nlohmann::json cells = nlohmann::json::array();
    for (const auto& c : r->cells) {
      nlohmann::json j = {{"mode", rag::retrieval_mode_name(c.mode)}, {"budget", c.budget}, {"available", c.available}};
      if (c.available) {
        j["answer_in_context"] = c.answer_in_context;
        j["mean_passages"] = c.mean_passages;
        j["mean_tokens"] = c.mean_tokens;
      }
      if (!c.note.empty()) j["note"] = c.note;
      cells.push_back(j);
    }
    nlohmann::json out = {{"dataset", a.dataset},  {"questions", r->questions}, {"documents", r->documents},
                          {"chunks", r->chunks},   {"top_k", a.top_k},          {"chunk_tokens", a.chunk_tokens},
                          {"token_counter", counter}, {"ingest_s", r->ingest_s}, {"eval_s", r->eval_s},
                          {"results", cells}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
  }
  std::printf("dataset    %s: %lld questions with answers, %lld documents, %lld chunks (ingest %.2f s)\n",
              a.dataset.c_str(), static_cast<long long>(r->questions), static_cast<long long>(r->documents),
              static_cast<long long>(r->chunks), r->ingest_s);
  std::printf("counting   %s; top_k %d, chunks of %d tokens\n\n", counter.c_str(), a.top_k, a.chunk_tokens);
  std::printf("%-7s %7s %18s %9s %9s  %s\n", "mode", "budget", "answer-in-context", "passages", "tokens", "note");
  for (const auto& c : r->cells) {
    if (!c.available) {
      std::printf("%-7s %7d %18s %9s %9s  %s\n", rag::retrieval_mode_name(c.mode), c.budget, "-", "-", "-", c.note.c_str());
      continue;
    }
    std::printf("%-7s %7d %17.1f%% %9.2f %9.1f  %s\n", rag::retrieval_mode_name(c.mode), c.budget,
                100 * c.answer_in_context, c.mean_passages, c.mean_tokens, c.note.c_str());
  }
  std::printf("\n(%.2f s)\n", r->eval_s);
  return 0;
}

}  // namespace

std::function<int()> add_eval_rag_command(CLI::App& eval) {
  auto args = std::make_shared<EvalRagArgs>();
  CLI::App* r = eval.add_subcommand(
      "rag", "Share of questions whose answer text lands in the packed RAG context, per retrieval mode and "
             "context budget (BEIR layout + answers.jsonl; no model needed)");
  r->add_option("--dataset", args->dataset, "Dataset folder (corpus.jsonl, queries.jsonl, answers.jsonl)")->required();
  r->add_option("--budget", args->budgets, "Context budgets in tokens (repeatable; default 256 512 1024 2048)")
      ->check(CLI::Range(16, 1000000));
  r->add_option("--mode", args->modes, "Retrieval modes: bm25, hybrid, dense (repeatable; default all)");
  r->add_option("--embedding-model", args->embedding_model,
                "GGUF embedding model (bert, qwen3) for the dense and hybrid modes (without it they are reported "
                "unavailable)")
      ->check(CLI::ExistingFile);
  r->add_option("--vocab", args->vocab, "GGUF model or vocabulary whose tokenizer counts tokens (default: kb estimate)")
      ->check(CLI::ExistingFile);
  r->add_option("--top-k", args->top_k, "Passages retrieved per question (default 20)")->check(CLI::Range(1, 100));
  r->add_option("--chunk-tokens", args->chunk_tokens, "Chunk size in approximate tokens (default 256)")
      ->check(CLI::Range(16, 8192));
  r->add_option("--limit", args->limit, "Only the first N questions with answers");
  r->add_flag("--json", args->json, "Print one JSON object");
  return [args] { return run(*args); };
}

}  // namespace ls::cli
