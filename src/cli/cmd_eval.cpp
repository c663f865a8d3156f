// `localseek eval retrieval`: retrieval quality (bm25, dense, hybrid) on a BEIR-layout dataset
// (kb/beir_eval.h).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/cmd_eval_rag.h"
#include "cli/collection_flags.h"
#include "cli/command.h"
#include "cli/fusion_flags.h"
#include "cli/embedding_flags.h"
#include "kb/beir_eval.h"

namespace ls::cli {
namespace {

struct EvalArgs {
  std::string dataset, split;
  bool json = false;
  CollectionFlags settings{kb::EvalOptions::whole_documents()};
  int top_k = 1000;
  bool fetch_text = false;
  std::vector<std::string> modes;
  std::string embedding_model;
  FusionFlags fusion;
  int threads = 0;
  size_t ann_threshold = 10000;
};

nlohmann::json mode_json(const kb::ModeMetrics& m) {
  return {{"mode", kb::search_mode_name(m.mode)}, {"ndcg_at_10", m.ndcg_at_10}, {"recall_at_100", m.recall_at_100},
          {"mrr_at_10", m.mrr_at_10},           {"p50_ms", m.p50_ms},         {"p99_ms", m.p99_ms},
          {"p50_cpu_ms", m.p50_cpu_ms},         {"p99_cpu_ms", m.p99_cpu_ms}};
}

int run_retrieval(const EvalArgs& a) {
  kb::EvalOptions o;
  o.dataset_dir = a.dataset;
  o.split = a.split;
  auto config = a.settings.config();
  if (!config.ok()) return report_error(config.error().message, 2);
  o.config = *config;
  if (a.top_k < 1 || a.top_k > 1000) return report_error("--top-k must be in [1, 1000]");
  o.top_k = a.top_k;
  o.fetch_text = a.fetch_text;
  o.modes.clear();
  for (const auto& m : a.modes.empty() ? std::vector<std::string>{"bm25"} : a.modes) {
    auto mode = kb::parse_search_mode(m);
    if (!mode.ok()) return report_error(mode.error().message, 2);
    o.modes.push_back(*mode);
  }
  if (auto st = a.fusion.apply(o); !st.ok()) return report_error(st.error().message, 2);
  o.dense.ann_threshold = a.ann_threshold;
  bool need_vectors = false;
  for (auto m : o.modes) need_vectors = need_vectors || m != kb::SearchMode::kBm25;
  if (need_vectors && a.embedding_model.empty())
    return report_error("--mode dense/hybrid needs --embedding-model MODEL.gguf (a bert or qwen3 embedding GGUF; "
                        "none ships with LocalSeek)",
                        2);
  if (need_vectors) {
    auto e = open_embedder(a.embedding_model, a.threads);
    if (!e.ok()) return report_error(e.error().message);
    o.embedder = *e;
  }
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
                        {"cjk", a.settings.cjk},       {"chunk_tokens", o.config.chunk_tokens}};
    nlohmann::json modes = nlohmann::json::array();
    for (const auto& m : r->per_mode) modes.push_back(mode_json(m));
    j["modes"] = modes;
    j["mode"] = kb::search_mode_name(r->per_mode.front().mode);
    if (!r->embedding_model.empty()) {
      j["embedding_model"] = r->embedding_model;
      j["vectors"] = a.settings.vectors;
    }
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("dataset     %s (split %s)\n", a.dataset.c_str(), r->split.c_str());
    std::printf("corpus      %lld documents, %lld chunks, ingested in %.2f s\n",
                static_cast<long long>(r->documents), static_cast<long long>(r->chunks), r->ingest_s);
    std::printf("queries     %lld\n", static_cast<long long>(r->queries));
    if (!r->embedding_model.empty())
      std::printf("embeddings  %s (%s vectors)\n", r->embedding_model.c_str(), a.settings.vectors.c_str());
    if (r->per_mode.size() == 1) {
      std::printf("nDCG@10     %.4f\nrecall@100  %.4f\nMRR@10      %.4f\n", r->ndcg_at_10, r->recall_at_100,
                  r->mrr_at_10);
      std::printf("latency     p50 %.3f ms, p99 %.3f ms (CPU time: p50 %.3f ms, p99 %.3f ms)\n", r->p50_ms,
                  r->p99_ms, r->p50_cpu_ms, r->p99_cpu_ms);
    } else {
      std::printf("%-8s %8s %10s %8s %10s %10s\n", "mode", "nDCG@10", "recall@100", "MRR@10", "p50 ms", "p99 ms");
      for (const auto& m : r->per_mode)
        std::printf("%-8s %8.4f %10.4f %8.4f %10.3f %10.3f\n", kb::search_mode_name(m.mode), m.ndcg_at_10,
                    m.recall_at_100, m.mrr_at_10, m.p50_ms, m.p99_ms);
    }
  }
  return 0;
}

const Registrar kEval{{"eval", "Evaluate LocalSeek components (retrieval quality on BEIR-layout data)",
                       [](CLI::App& sub) -> std::function<int()> {
                         auto args = std::make_shared<EvalArgs>();
                         sub.require_subcommand(1);
                         CLI::App* r = sub.add_subcommand(
                             "retrieval",
                             "Retrieval quality on a BEIR-layout folder (corpus.jsonl, queries.jsonl, "
                             "qrels/<split>.tsv): nDCG@10, recall@100, MRR@10, query latency, per --mode");
                         r->add_option("--dataset", args->dataset, "Dataset folder")->required();
                         r->add_option("--split", args->split, "qrels split (default: test, else the only one)");
                         r->add_flag("--json", args->json, "Print one JSON object");
                         args->settings.add(*r);
                         r->add_option("--top-k", args->top_k,
                                       "Chunks retrieved per query (default 1000; small values measure interactive "
                                       "latency, recall@100 then undercounts)");
                         r->add_flag("--fetch-text", args->fetch_text, "Fetch chunk text too, like a real search");
                         r->add_option("--mode", args->modes,
                                       "bm25 | dense | hybrid; repeat or comma-separate for several (one ingestion)")
                             ->delimiter(',');
                         r->add_option("--embedding-model", args->embedding_model,
                                       "GGUF embedding model for dense and hybrid (bert, qwen3)");
                         r->add_option("--threads", args->threads, "Threads for the embedding model (0: all CPUs)");
                         args->fusion.add(*r);
                         r->add_option("--ann-threshold", args->ann_threshold,
                                       "Vectors from which an HNSW graph answers instead of the exact scan (10000)");
                         std::function<int()> run_rag = add_eval_rag_command(sub);
                         return [args, r, run_rag] { return r->parsed() ? run_retrieval(*args) : run_rag(); };
                       }}};

}  // namespace
}  // namespace ls::cli
