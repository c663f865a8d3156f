// `localseek embed -m MODEL [--json] [--no-normalize] [--query] TEXT...|-`: embedding vectors of texts
// (one per argument, or one per line of standard input with '-'), packed into batches; or, with a
// reranker model and --rerank QUERY, the relevance score of each text to the query.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/command.h"
#include "embed/model_embedder.h"
#include "model/pooling.h"
#include "util/utf8.h"

namespace ls::cli {
namespace {

struct EmbedArgs {
  std::string model;
  std::vector<std::string> texts;
  bool json = false;
  bool normalize = true;
  bool query = false;
  bool no_truncate = false;
  bool timing = false;
  std::string pooling;
  std::string rerank_query;
  int threads = 0;
  int64_t batch_tokens = 0;
};

std::vector<std::string> read_lines() {
  std::vector<std::string> out;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

int run_rerank(const EmbedArgs& a, embed::EmbeddingModel& m, const std::vector<std::string>& texts) {
  int64_t n_tokens = 0;
  auto scores = m.rank(a.rerank_query, texts, false, &n_tokens);
  if (!scores.ok()) return report_error(scores.error().message);
  if (a.json) {
    nlohmann::json j;
    j["model"] = m.model_id();
    j["query"] = utf8::sanitize(a.rerank_query);
    j["tokens"] = n_tokens;
    nlohmann::json results = nlohmann::json::array();
    for (size_t i = 0; i < scores->size(); ++i) results.push_back({{"index", i}, {"relevance_score", (*scores)[i]}});
    j["results"] = std::move(results);
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  for (size_t i = 0; i < scores->size(); ++i) std::printf("%.6f\t%s\n", (*scores)[i], texts[i].c_str());
  return 0;
}

int run(const EmbedArgs& a) {
  std::vector<std::string> texts;
  for (const std::string& t : a.texts) {
    if (t == "-") {
      for (auto& line : read_lines()) texts.push_back(std::move(line));
    } else {
      texts.push_back(t);
    }
  }
  if (texts.empty()) return report_error("no texts to embed (give TEXT arguments, or '-' for one text per line of stdin)");
  embed::LoadOptions load;
  load.n_threads = a.threads;
  load.batch_tokens = a.batch_tokens;
  if (!a.pooling.empty()) load.pooling = model::pooling_from_name(a.pooling);
  auto loaded = embed::EmbeddingModel::load(a.model, load);
  if (!loaded.ok()) return report_error(loaded.error().message);
  std::shared_ptr<embed::EmbeddingModel> m = std::move(loaded).value();
  if (m->is_reranker() != !a.rerank_query.empty()) {
    return report_error(m->is_reranker() ? a.model + " is a reranker: give the query with --rerank QUERY"
                                         : a.model + " is not a reranker (pooling " +
                                               std::string(model::pooling_name(m->pooling())) + "); --rerank needs one");
  }
  if (m->is_reranker()) return run_rerank(a, *m, texts);

  embed::EmbedderOptions eo;
  eo.normalize = a.normalize;
  eo.truncate = !a.no_truncate;
  embed::ModelEmbedder embedder(m, eo);
  const auto purpose = a.query ? kb::EmbedPurpose::kQuery : kb::EmbedPurpose::kDocument;
  std::vector<std::vector<int32_t>> seqs;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto ids = embedder.input_tokens(texts[i], purpose);
    if (!ids.ok()) return report_error("text " + std::to_string(i + 1) + ": " + ids.error().message);
    seqs.push_back(std::move(ids).value());
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto vecs = embedder.embed_tokens(seqs);
  if (!vecs.ok()) return report_error(vecs.error().message);
  if (a.timing) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    size_t tokens = 0;
    for (const auto& q : seqs) tokens += q.size();
    std::fprintf(stderr, "embed: %zu texts, %zu tokens in %.3f s: %.1f texts/s, %.0f tokens/s\n", seqs.size(), tokens, s,
                 static_cast<double>(seqs.size()) / s, static_cast<double>(tokens) / s);
  }
  if (a.json) {
    nlohmann::json j;
    j["model"] = m->model_id();
    j["dimension"] = m->dimension();
    j["pooling"] = std::string(model::pooling_name(m->pooling()));
    j["normalized"] = a.normalize;
    nlohmann::json data = nlohmann::json::array();
    for (size_t i = 0; i < vecs->size(); ++i) {
      data.push_back({{"index", i}, {"tokens", seqs[i].size()}, {"embedding", (*vecs)[i]}});
    }
    j["data"] = std::move(data);
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  for (const auto& v : *vecs) {
    std::string line;
    char buf[32];
    for (size_t i = 0; i < v.size(); ++i) {
      std::snprintf(buf, sizeof buf, i == 0 ? "%.7g" : " %.7g", static_cast<double>(v[i]));
      line += buf;
    }
    std::printf("%s\n", line.c_str());
  }
  return 0;
}

const Registrar kEmbed{
    {"embed", "Embed texts with a GGUF embedding model (bert, qwen3), or score them with a reranker",
     [](CLI::App& sub) -> std::function<int()> {
       auto a = std::make_shared<EmbedArgs>();
       sub.add_option("-m,--model", a->model, "GGUF embedding model (e.g. bge-small, Qwen3-Embedding) or reranker")
           ->required()
           ->check(CLI::ExistingFile);
       sub.add_option("texts", a->texts, "Texts to embed; '-' reads one text per line from standard input")->required();
       sub.add_flag("--json", a->json, "Print {model, dimension, pooling, normalized, data: [{index, tokens, embedding}]}");
       sub.add_flag("--normalize,!--no-normalize", a->normalize, "L2-normalise the vectors (default: on)");
       sub.add_flag("--query", a->query,
                    "Embed the texts as search queries (Qwen3-Embedding: with its instruction prefix)");
       sub.add_flag("--no-truncate", a->no_truncate, "Fail on a text longer than the model's limit instead of cutting it");
       sub.add_option("--pooling", a->pooling, "Override the model's pooling: mean, cls, last")
           ->check(CLI::IsMember({"mean", "cls", "last"}));
       sub.add_option("--rerank", a->rerank_query, "With a reranker model: score each text against this query");
       sub.add_flag("--timing", a->timing, "Print the embedding time (model load and tokenising excluded) to stderr");
       sub.add_option("-t,--threads", a->threads, "Threads (default: the CPUs available)")->check(CLI::Range(1, 1024));
       sub.add_option("--batch-tokens", a->batch_tokens,
                      "Tokens of many texts packed into one forward pass (default: 4096 bert, 512 decoders; "
                      "1: one text per pass)")
           ->check(CLI::Range(int64_t{1}, int64_t{65536}));
       sub.footer(
           "Prints one vector per line (space-separated), in input order.\n"
           "Examples: localseek embed -m bge-small-en-v1.5-q8_0.gguf 'first text' 'second text'\n"
           "          localseek embed -m model.gguf --json - < texts.txt\n"
           "          localseek embed -m bge-reranker.gguf --rerank 'what is x?' 'doc one' 'doc two'");
       return [a] { return run(*a); };
     }}};

}  // namespace
}  // namespace ls::cli
