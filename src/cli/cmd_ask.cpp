// `localseek ask -m MODEL [--kb COLL…] [--web] QUESTION`: one grounded answer. Retrieves from the
// knowledge base and/or the web (rag/rag_pipeline.h), streams the answer with reasoning dimmed and
// dangling [n] markers removed, then lists the sources. Warnings (web down, pages skipped) go to stderr.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include <unistd.h>

#include "chat/reasoning_parser.h"
#include "cli/chat_answerer.h"
#include "cli/command.h"
#include "cli/embedding_flags.h"
#include "cli/model_flags.h"
#include "cli/reasoning_printer.h"
#include "cli/web_search_flags.h"
#include "kb/knowledge_base.h"
#include "rag/citation_filter.h"
#include "rag/rag_pipeline.h"
#include "rag/web_retriever.h"
#include "runtime/session.h"

namespace ls::cli {
namespace {

struct AskFlags {
  ModelFlags model;
  SamplingFlags sampling;
  std::string question;
  std::vector<std::string> collections;
  std::string data = "./localseek-data";
  bool web = false;
  WebSearchFlags search;
  int max_results = 5, kb_top_k = 6, budget = 0, n_predict = -1;
  std::string mode = "bm25";
  std::string embedding_model;  // dense/hybrid over the knowledge base, dense ranking of web chunks
  bool json = false;
  bool rewrite_query = false;  // ask the model for the search query first
};

// The chat model as the pipeline's query rewriter: greedy, a few tokens, reasoning skipped, a deadline.
rag::QueryModel query_model(ChatAnswerer& answerer) {
  return [&answerer](const std::vector<rag::Message>& messages) -> Result<std::string> {
    AnswerOptions o;
    o.generate.max_tokens = rag::kRewriteMaxTokens;
    o.generate.sampling = runtime::SamplingParams::greedy();
    o.skip_reasoning = true;
    o.deadline_s = rag::kRewriteTimeoutSeconds;
    LS_ASSIGN_OR_RETURN(AnswerRun run, answerer.answer(messages, o));
    if (run.timed_out) return Error::limit("timed out after " + std::to_string(static_cast<int>(o.deadline_s)) + " s");
    // A line that has not ended within the limit is cut mid-way (or is no query at all).
    if (run.out.completion_tokens >= o.generate.max_tokens)
      return Error::invalid("the model's query did not end within " + std::to_string(o.generate.max_tokens) + " tokens");
    return std::move(run.out.answer);
  };
}

int run(const AskFlags& f, const CLI::App& sub) {
  auto session = runtime::Session::open(f.model.session_options());
  if (!session.ok()) return report_error(session.error().message);
  runtime::Session& s = **session;
  if (!s.has_chat_template())
    return report_error(f.model.model + " has no chat template; pass one with --chat-template FILE");
  auto mode = rag::parse_retrieval_mode(f.mode);
  if (!mode.ok()) return report_error(mode.error().message, 2);

  std::unique_ptr<kb::KnowledgeBase> kb;
  if (!f.collections.empty()) {
    auto k = kb::KnowledgeBase::open(f.data);
    if (!k.ok()) return report_error(k.error().message);
    kb = std::move(k).value();
  }
  std::shared_ptr<kb::Embedder> embedder;
  if (!f.embedding_model.empty()) {
    auto e = open_embedder(f.embedding_model, f.model.threads);
    if (!e.ok()) return report_error(e.error().message);
    embedder = *e;
    if (kb) kb->set_embedder(embedder);
  }
  std::vector<std::string> warnings;
  std::shared_ptr<rag::WebRetriever> web;
  if (f.web) {
    auto cfg = f.search.config();
    if (!cfg.ok()) return report_error(cfg.error().message, 2);
    rag::WebFetchOptions wo;
    wo.max_results = f.max_results;
    wo.allow_hosts = f.search.allow_hosts;
    const std::string cache = std::filesystem::is_directory(f.data) ? f.data + "/web_cache.sqlite" : "";
    auto w = rag::open_web_retriever(*cfg, wo, cache, &warnings);
    if (!w.ok()) return report_error(w.error().message, 2);
    web = std::move(w).value();
  }
  const tok::Tokenizer& tokenizer = s.tokenizer();
  rag::TokenCounter count = [&tokenizer](std::string_view t) {
    auto ids = tokenizer.tokenize(t, tok::TokenizeOptions{.add_special = false, .parse_special = false});
    return ids.ok() ? static_cast<int>(ids->size()) : 0;
  };
  ChatAnswerer answerer(s);
  rag::RagPipeline pipeline(kb.get(), web, count);
  if (embedder) pipeline.set_embedder(embedder.get());  // also without --kb: web passages ranked densely too
  pipeline.set_query_model(query_model(answerer));
  rag::RagOptions o;
  o.collections = f.collections;
  o.top_k = f.kb_top_k;
  o.mode = *mode;
  o.web = f.web;
  o.web_max_results = f.max_results;
  o.rewrite_query = f.rewrite_query;
  // Half the context for sources unless told: R1 reasons at length before it answers.
  const int n_ctx = s.context().n_ctx();
  o.pack.budget_tokens = f.budget > 0 ? f.budget : std::max(256, n_ctx / 2 - 256);
  auto prepared = pipeline.prepare({{"user", f.question}}, o);
  if (!prepared.ok()) return report_error(prepared.error().message, prepared.error().kind == ErrorKind::kInvalidInput ? 2 : 1);
  for (const auto& w : prepared->warnings) warnings.push_back(w);
  for (const auto& w : warnings) std::fprintf(stderr, "localseek: warning: %s\n", w.c_str());
  if (prepared->query_rewritten && !f.json) std::fprintf(stderr, "localseek: searched for: %s\n", prepared->query.c_str());

  rag::CitationFilter filter(prepared->passages.size());
  AnswerOptions ao;
  ao.generate = f.sampling.generate_options(sub, f.n_predict);
  ReasoningPrinter printer(!f.json && isatty(STDOUT_FILENO) != 0);
  std::string answer;
  auto run = answerer.answer(prepared->messages, ao, [&](const chat::ReasoningDelta& d) {
    const std::string content = filter.push(d.content);
    answer += content;
    if (f.json) return;
    printer.reasoning(d.reasoning);
    printer.content(content);
  });
  if (!run.ok()) return report_error(run.error().message);
  const std::string& reasoning = run->out.reasoning;
  const std::string rest = filter.flush();
  answer += rest;
  if (!f.json) {
    printer.content(rest);
    printer.end();
    if (!prepared->citations.empty()) std::fputs("\nSources:\n", stdout);
    for (const auto& c : prepared->citations)
      std::printf("  [%zu] %s — %s%s\n", c.n, c.title.c_str(), c.url_or_source.c_str(),
                  c.collection.empty() ? "" : (" (" + c.collection + ")").c_str());
    return 0;
  }
  nlohmann::json cites = nlohmann::json::array();
  for (const auto& c : prepared->citations)
    cites.push_back({{"n", c.n}, {"title", c.title}, {"url_or_source", c.url_or_source}, {"collection", c.collection},
                     {"chunk_id", c.chunk_id}, {"snippet", c.snippet}});
  nlohmann::json out = {{"answer", answer}, {"reasoning_content", reasoning}, {"citations", cites},
                        {"warnings", warnings}, {"query", prepared->query}, {"query_rewritten", prepared->query_rewritten},
                        {"context_tokens", prepared->context_tokens}};
  std::printf("%s\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  return 0;
}

const Registrar kAsk{{"ask", "Answer one question grounded in the knowledge base and/or the web, with sources",
                      [](CLI::App& sub) -> std::function<int()> {
                        auto f = std::make_shared<AskFlags>();
                        f->model.add(sub, /*with_template=*/true);
                        f->sampling.add(sub);
                        sub.add_option("question", f->question, "The question")->required();
                        sub.add_option("--kb", f->collections, "Knowledge-base collection to search (repeatable)");
                        sub.add_option("--data", f->data, "Knowledge-base folder (default ./localseek-data)");
                        sub.add_option("--kb-top-k", f->kb_top_k, "Passages per collection (default 6)")
                            ->check(CLI::Range(1, 100));
                        sub.add_option("--mode", f->mode, "Retrieval: bm25 (default), dense, hybrid");
                        sub.add_option("--embedding-model", f->embedding_model,
                                       "GGUF embedding model (bert, qwen3) for --mode dense/hybrid and for ranking "
                                       "web passages")
                            ->check(CLI::ExistingFile);
                        sub.add_flag("--web", f->web, "Search the web as well");
                        sub.add_flag("--rewrite-query", f->rewrite_query,
                                     "Let the model write the search query first (a few greedy tokens, reasoning "
                                     "skipped); an unusable one falls back to the question with a warning");
                        f->search.add(sub, "--allow-host");
                        sub.add_option("--max-results", f->max_results, "Web results fetched (default 5)")
                            ->check(CLI::Range(1, 20));
                        sub.add_option("--budget", f->budget, "Tokens for sources (default: half the context)")
                            ->check(CLI::Range(16, 1 << 24));
                        sub.add_option("-n,--n-predict", f->n_predict, "Most tokens in the reply (default: unbounded)")
                            ->check(CLI::Range(-1, 1 << 24));
                        sub.add_flag("--json", f->json, "Print one JSON object: answer, reasoning, citations, warnings");
                        return [f, &sub] { return run(*f, sub); };
                      }}};

}  // namespace
}  // namespace ls::cli
