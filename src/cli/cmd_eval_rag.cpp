// `localseek eval rag`: share of questions whose answer lands in the packed context, per retrieval
// mode and context budget (rag/answer_eval.h); with -m MODEL also the answers' exact match and F1.
#include "cli/cmd_eval_rag.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <optional>

#include <unistd.h>
#include <nlohmann/json.hpp>

#include "cli/chat_answerer.h"
#include "cli/command.h"
#include "cli/embedding_flags.h"
#include "cli/model_flags.h"
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
  bool budgets_given = false, modes_given = false, seed_given = false;
  // Answer generation (with -m): greedy unless --temp is given.
  ModelFlags model;
  int max_tokens = 512;
  float temperature = 0;
  uint64_t seed = 0;
};

// Progress on stderr: one line rewritten in place on a terminal, else a line every 10 questions.
void show_progress(const char* mode, int budget, size_t done, size_t total) {
  static const bool tty = isatty(STDERR_FILENO) != 0;
  if (tty) {
    std::fprintf(stderr, "\reval rag: %s @ %d tokens: %zu/%zu answered", mode, budget, done, total);
    if (done == total) std::fputc('\n', stderr);
  } else if (done % 10 == 0 || done == total) {
    std::fprintf(stderr, "eval rag: %s @ %d tokens: %zu/%zu answered\n", mode, budget, done, total);
  }
}

nlohmann::json answers_json(const std::vector<rag::ScoredAnswer>& answers) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : answers)
    out.push_back({{"id", a.id}, {"answer", a.answer}, {"exact_match", a.exact_match}, {"f1", a.f1},
                   {"reasoning_closed", a.reasoning_closed}, {"reasoning_chars", a.reasoning_chars},
                   {"prompt_tokens", a.prompt_tokens}, {"completion_tokens", a.completion_tokens}});
  return out;
}

int run(const EvalRagArgs& a) {
  rag::AnswerEvalOptions o;
  o.dataset_dir = a.dataset;
  o.budgets = a.budgets;
  o.top_k = a.top_k;
  o.chunk_tokens = a.chunk_tokens;
  o.chunk_overlap = a.chunk_tokens / 8;
  o.limit = a.limit;
  o.modes.clear();
  // Answering costs a generation per question and cell: with a model, bm25 alone unless asked.
  const std::vector<std::string> modes =
      !a.model.model.empty() && !a.modes_given ? std::vector<std::string>{"bm25"} : a.modes;
  for (const auto& m : modes) {
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
  std::unique_ptr<runtime::Session> session;
  std::optional<ChatAnswerer> answerer;
  AnswerOptions gen;
  if (!a.model.model.empty()) {
    auto s = runtime::Session::open(a.model.session_options());
    if (!s.ok()) return report_error(s.error().message);
    session = std::move(s).value();
    if (!session->has_chat_template())
      return report_error(a.model.model + " has no chat template; pass one with --chat-template FILE", 2);
    // The model's own tokenizer counts the budget, as for a real answer.
    const tok::Tokenizer& t = session->tokenizer();
    o.count = [&t](std::string_view text) {
      auto ids = t.tokenize(text, tok::TokenizeOptions{.add_special = false, .parse_special = false});
      return ids.ok() ? static_cast<int>(ids->size()) : 0;
    };
    counter = a.model.model;
    if (!a.budgets_given) {
      // One budget that leaves room for the instruction, the question and the answer.
      const int n_ctx = session->context().n_ctx();
      o.budgets = {std::max(64, std::min(2048, n_ctx - a.max_tokens - 256))};
    }
    answerer.emplace(*session);
    gen.generate.max_tokens = a.max_tokens;
    gen.generate.sampling = a.temperature <= 0 ? runtime::SamplingParams::greedy() : runtime::SamplingParams{};
    gen.generate.sampling.temperature = a.temperature;
    gen.generate.sampling.seed = a.seed;
    gen.generate.sampling.has_seed = a.seed_given;
    o.generate = [&](const std::vector<rag::Message>& messages) -> Result<rag::GeneratedAnswer> {
      LS_ASSIGN_OR_RETURN(AnswerRun run, answerer->answer(messages, gen));
      return std::move(run.out);
    };
    o.progress = show_progress;
  } else if (!a.vocab.empty()) {
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
      if (c.generated) {
        j["exact_match"] = c.exact_match;
        j["f1"] = c.f1;
        j["empty_answers"] = c.empty_answers;
        j["unfinished_reasoning"] = c.unfinished_reasoning;
        j["mean_completion_tokens"] = c.mean_completion_tokens;
        j["generate_s"] = c.generate_s;
        j["answers"] = answers_json(c.answers);
      }
      if (!c.note.empty()) j["note"] = c.note;
      cells.push_back(j);
    }
    nlohmann::json out = {{"dataset", a.dataset},  {"questions", r->questions}, {"documents", r->documents},
                          {"chunks", r->chunks},   {"top_k", a.top_k},          {"chunk_tokens", a.chunk_tokens},
                          {"token_counter", counter}, {"ingest_s", r->ingest_s}, {"eval_s", r->eval_s},
                          {"results", cells}};
    if (session) {
      out["model"] = a.model.model;
      out["max_tokens"] = a.max_tokens;
      out["temperature"] = a.temperature;
    }
    std::printf("%s\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return 0;
  }
  std::printf("dataset    %s: %lld questions with answers, %lld documents, %lld chunks (ingest %.2f s)\n",
              a.dataset.c_str(), static_cast<long long>(r->questions), static_cast<long long>(r->documents),
              static_cast<long long>(r->chunks), r->ingest_s);
  std::printf("counting   %s; top_k %d, chunks of %d tokens\n\n", counter.c_str(), a.top_k, a.chunk_tokens);
  if (session)
    std::printf("answers    %s, at most %d tokens, %s; EM/F1: SQuAD rules (English), CMRC 2018 rules (Chinese)\n\n",
                a.model.model.c_str(), a.max_tokens, a.temperature <= 0 ? "greedy" : "sampled");
  std::printf("%-7s %7s %18s %9s %9s", "mode", "budget", "answer-in-context", "passages", "tokens");
  if (session) std::printf(" %7s %7s %7s %11s", "EM", "F1", "empty", "tok/answer");
  std::printf("  %s\n", "note");
  for (const auto& c : r->cells) {
    if (!c.available) {
      std::printf("%-7s %7d %18s %9s %9s", rag::retrieval_mode_name(c.mode), c.budget, "-", "-", "-");
      if (session) std::printf(" %7s %7s %7s %11s", "-", "-", "-", "-");
      std::printf("  %s\n", c.note.c_str());
      continue;
    }
    std::printf("%-7s %7d %17.1f%% %9.2f %9.1f", rag::retrieval_mode_name(c.mode), c.budget, 100 * c.answer_in_context,
                c.mean_passages, c.mean_tokens);
    if (c.generated)
      std::printf(" %6.1f%% %6.1f%% %7lld %11.1f", 100 * c.exact_match, 100 * c.f1,
                  static_cast<long long>(c.empty_answers), c.mean_completion_tokens);
    std::string note = c.note;
    if (c.unfinished_reasoning > 0)
      note += (note.empty() ? "" : "; ") + std::to_string(c.unfinished_reasoning) +
              " answers ended inside the reasoning (raise --max-tokens)";
    std::printf("  %s\n", note.c_str());
  }
  std::printf("\n(%.2f s)\n", r->eval_s);
  return 0;
}

}  // namespace

std::function<int()> add_eval_rag_command(CLI::App& eval) {
  auto args = std::make_shared<EvalRagArgs>();
  CLI::App* r = eval.add_subcommand(
      "rag", "Share of questions whose answer text lands in the packed RAG context, per retrieval mode and "
             "context budget (BEIR layout + answers.jsonl; no model needed); with -m MODEL also the generated "
             "answers' exact match and F1");
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
  // Answer generation.
  r->add_option("-m,--model", args->model.model,
                "Chat model (GGUF): answer every question from its packed context and report answer exact match "
                "and F1 (reasoning not counted); default budget then one that fits the context, default mode bm25")
      ->check(CLI::ExistingFile);
  r->add_option("--chat-template", args->model.chat_template,
                "Jinja chat template file (default: the model's tokenizer.chat_template)")
      ->check(CLI::ExistingFile);
  r->add_option("--ctx", args->model.ctx, "Context size in tokens (default: the model's, at most 4096)")
      ->check(CLI::Range(1, 1 << 24));
  r->add_option("-t,--threads", args->model.threads, "Threads (default: the CPUs available)")->check(CLI::Range(1, 1024));
  r->add_option("--max-tokens", args->max_tokens, "Most tokens per answer, reasoning included (default 512)")
      ->check(CLI::Range(1, 1 << 20));
  r->add_option("--temp", args->temperature, "Sampling temperature (default 0: greedy)")->check(CLI::Range(0.0, 100.0));
  r->add_option("--seed", args->seed, "Random seed for --temp > 0");
  return [args, r] {
    args->budgets_given = r->count("--budget") > 0;
    args->modes_given = r->count("--mode") > 0;
    args->seed_given = r->count("--seed") > 0;
    return run(*args);
  };
}

}  // namespace ls::cli
