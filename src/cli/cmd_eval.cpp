// `localseek eval retrieval`: BM25 retrieval quality on a BEIR-layout dataset (kb/beir_eval.h).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/cmd_eval_rag.h"
#include "cli/command.h"
#include "kb/beir_eval.h"

namespace ls::cli {
namespace {

struct EvalArgs {
  std::string dataset, split, cjk = "unibi";
  bool json = false, no_stem = false, no_stop = false;
  int chunk_tokens = 0, chunk_overlap = -1;
  double k1 = -1, b = -1;
  int top_k = 1000;
  bool fetch_text = false;
};

int run_retrieval(const EvalArgs& a) {
  kb::EvalOptions o;
  o.dataset_dir = a.dataset;
  o.split = a.split;
  auto cjk = kb::parse_cjk_mode(a.cjk);
  if (!cjk.ok()) return report_error(cjk.error().message);
  o.config.analyzer.cjk = *cjk;
  o.config.analyzer.stem = !a.no_stem;
  o.config.analyzer.stopwords = !a.no_stop;
  if (a.chunk_tokens > 0) o.config.chunk_tokens = a.chunk_tokens;
  if (a.chunk_overlap >= 0) o.config.chunk_overlap = a.chunk_overlap;
  if (a.k1 >= 0) o.config.k1 = a.k1;
  if (a.b >= 0) o.config.b = a.b;
  if (auto st = o.config.validate(); !st.ok()) return report_error(st.error().message);
  if (a.top_k < 1 || a.top_k > 1000) return report_error("--top-k must be in [1, 1000]");
  o.top_k = a.top_k;
  o.fetch_text = a.fetch_text;
  auto r = kb::evaluate_beir(o);
  if (!r.ok()) return report_error(r.error().message);
  if (a.json) {
    nlohmann::json j = {{"ndcg_at_10", r->ndcg_at_10}, {"recall_at_100", r->recall_at_100},
                        {"mrr_at_10", r->mrr_at_10},   {"queries", r->queries},
                        {"p50_ms", r->p50_ms},         {"p99_ms", r->p99_ms},
                        {"p50_cpu_ms", r->p50_cpu_ms}, {"p99_cpu_ms", r->p99_cpu_ms},
                        {"split", r->split},           {"documents", r->documents},
                        {"chunks", r->chunks},         {"ingest_s", r->ingest_s},
                        {"k1", o.config.k1},           {"b", o.config.b},
                        {"cjk", a.cjk},                {"chunk_tokens", o.config.chunk_tokens}};
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("dataset     %s (split %s)\n", a.dataset.c_str(), r->split.c_str());
    std::printf("corpus      %lld documents, %lld chunks, ingested in %.2f s\n",
                static_cast<long long>(r->documents), static_cast<long long>(r->chunks), r->ingest_s);
    std::printf("queries     %lld\n", static_cast<long long>(r->queries));
    std::printf("nDCG@10     %.4f\nrecall@100  %.4f\nMRR@10      %.4f\n", r->ndcg_at_10, r->recall_at_100,
                r->mrr_at_10);
    std::printf("latency     p50 %.3f ms, p99 %.3f ms (CPU time: p50 %.3f ms, p99 %.3f ms)\n", r->p50_ms, r->p99_ms,
                r->p50_cpu_ms, r->p99_cpu_ms);
  }
  return 0;
}

const Registrar kEval{{"eval", "Evaluate LocalSeek components (retrieval quality on BEIR-layout data)",
                       [](CLI::App& sub) -> std::function<int()> {
                         auto args = std::make_shared<EvalArgs>();
                         sub.require_subcommand(1);
                         CLI::App* r = sub.add_subcommand(
                             "retrieval",
                             "BM25 on a BEIR-layout folder (corpus.jsonl, queries.jsonl, qrels/<split>.tsv): "
                             "nDCG@10, recall@100, MRR@10, query latency");
                         r->add_option("--dataset", args->dataset, "Dataset folder")->required();
                         r->add_option("--split", args->split, "qrels split (default: test, else the only one)");
                         r->add_flag("--json", args->json, "Print one JSON object");
                         r->add_option("--k1", args->k1, "BM25 k1 (default 0.9)");
                         r->add_option("--b", args->b, "BM25 b (default 0.5)");
                         r->add_option("--cjk", args->cjk, "Chinese/Japanese tokenisation: unibi|bi|uni|icu");
                         r->add_flag("--no-stem", args->no_stem, "Disable English stemming");
                         r->add_flag("--no-stopwords", args->no_stop, "Keep English stop words");
                         r->add_option("--chunk-tokens", args->chunk_tokens, "Chunk size in approximate tokens");
                         r->add_option("--chunk-overlap", args->chunk_overlap, "Chunk overlap in approximate tokens");
                         r->add_option("--top-k", args->top_k,
                                       "Chunks retrieved per query (default 1000; small values measure interactive "
                                       "latency, recall@100 then undercounts)");
                         r->add_flag("--fetch-text", args->fetch_text, "Fetch chunk text too, like a real search");
                         std::function<int()> run_rag = add_eval_rag_command(sub);
                         return [args, r, run_rag] { return r->parsed() ? run_retrieval(*args) : run_rag(); };
                       }}};

}  // namespace
}  // namespace ls::cli
