#include "kb/beir_eval.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "kb/ingest.h"
#include "kb/knowledge_base.h"
#include "util/strings.h"

namespace fs = std::filesystem;

namespace ls::kb {
namespace {

using Qrels = std::map<std::string, std::vector<std::pair<std::string, int>>>;

Result<std::string> resolve_split(const std::string& dir, const std::string& requested) {
  std::vector<std::string> splits;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir + "/qrels", ec))
    if (e.path().extension() == ".tsv") splits.push_back(e.path().stem().string());
  if (ec) return Error::not_found(dir + "/qrels: cannot list: " + ec.message());
  std::sort(splits.begin(), splits.end());
  std::string have = join(splits, ", ");
  if (!requested.empty()) {
    if (std::find(splits.begin(), splits.end(), requested) == splits.end())
      return Error::not_found(dir + ": no qrels/" + requested + ".tsv (available: " + have + ")");
    return requested;
  }
  if (std::find(splits.begin(), splits.end(), "test") != splits.end()) return std::string("test");
  if (splits.size() == 1) return splits[0];
  return Error::invalid(dir + ": several qrels splits and none is 'test'; choose one with --split (" + have + ")");
}

Result<Qrels> load_qrels(const std::string& path) {
  LS_ASSIGN_OR_RETURN(std::string text, read_file(path));
  Qrels q;
  size_t line_no = 0;
  for (const auto& line : split(text, "\n")) {
    ++line_no;
    std::string_view l = trim(line);
    if (l.empty()) continue;
    auto f = split(l, "\t");
    if (f.size() < 3) return Error::invalid(path + ":" + std::to_string(line_no) + ": expected 3 tab-separated fields");
    if (line_no == 1 && f[0] == "query-id") continue;
    char* end = nullptr;
    long score = std::strtol(f[2].c_str(), &end, 10);
    if (end == f[2].c_str()) return Error::invalid(path + ":" + std::to_string(line_no) + ": score is not a number");
    if (score > 0) q[f[0]].emplace_back(f[1], static_cast<int>(score));
  }
  return q;
}

Result<std::map<std::string, std::string>> load_queries(const std::string& path, const Qrels& wanted) {
  LS_ASSIGN_OR_RETURN(std::string text, read_file(path));
  std::map<std::string, std::string> out;
  size_t line_no = 0;
  for (const auto& line : split(text, "\n")) {
    ++line_no;
    if (trim(line).empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("_id") || !j.contains("text"))
      return Error::invalid(path + ":" + std::to_string(line_no) + ": expected {\"_id\", \"text\"}");
    std::string id = j["_id"].is_string() ? j["_id"].get<std::string>() : j["_id"].dump();
    if (wanted.count(id) && j["text"].is_string()) out[id] = j["text"].get<std::string>();
  }
  return out;
}

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

double ndcg_at(const std::vector<std::string>& ranked, const std::vector<std::pair<std::string, int>>& qrels, size_t k) {
  std::unordered_map<std::string, int> gain(qrels.begin(), qrels.end());
  double dcg = 0;
  for (size_t i = 0; i < ranked.size() && i < k; ++i) {
    auto it = gain.find(ranked[i]);
    if (it != gain.end()) dcg += it->second / std::log2(static_cast<double>(i) + 2);
  }
  std::vector<int> ideal;
  for (const auto& q : qrels) ideal.push_back(q.second);
  std::sort(ideal.rbegin(), ideal.rend());
  double idcg = 0;
  for (size_t i = 0; i < ideal.size() && i < k; ++i) idcg += ideal[i] / std::log2(static_cast<double>(i) + 2);
  return idcg > 0 ? dcg / idcg : 0;
}

double recall_at(const std::vector<std::string>& ranked, const std::vector<std::pair<std::string, int>>& qrels, size_t k) {
  if (qrels.empty()) return 0;
  std::unordered_set<std::string> rel;
  for (const auto& q : qrels) rel.insert(q.first);
  size_t found = 0;
  for (size_t i = 0; i < ranked.size() && i < k; ++i) found += rel.count(ranked[i]);
  return static_cast<double>(found) / static_cast<double>(rel.size());
}

double mrr_at(const std::vector<std::string>& ranked, const std::vector<std::pair<std::string, int>>& qrels, size_t k) {
  std::unordered_set<std::string> rel;
  for (const auto& q : qrels) rel.insert(q.first);
  for (size_t i = 0; i < ranked.size() && i < k; ++i)
    if (rel.count(ranked[i])) return 1.0 / static_cast<double>(i + 1);
  return 0;
}

Result<EvalResult> evaluate_beir(const EvalOptions& opts) {
  const std::string& dir = opts.dataset_dir;
  for (const char* f : {"/corpus.jsonl", "/queries.jsonl", "/qrels"})
    if (!fs::exists(dir + f)) return Error::not_found(dir + f + ": missing (expected the BEIR layout)");
  EvalResult r;
  LS_ASSIGN_OR_RETURN(r.split, resolve_split(dir, opts.split));
  LS_ASSIGN_OR_RETURN(Qrels qrels, load_qrels(dir + "/qrels/" + r.split + ".tsv"));
  LS_ASSIGN_OR_RETURN(auto queries, load_queries(dir + "/queries.jsonl", qrels));

  std::string scratch = opts.scratch_dir;
  bool remove_scratch = false;
  if (scratch.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/localseek-eval-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) return Error::io(tmpl + ": cannot create a scratch folder");
    scratch = tmpl;
    remove_scratch = true;
  }
  struct Cleanup {
    std::string dir;
    bool on;
    ~Cleanup() {
      std::error_code ec;
      if (on) fs::remove_all(dir, ec);
    }
  } cleanup{scratch, remove_scratch};

  bool need_vectors = false;
  for (SearchMode m : opts.modes) need_vectors = need_vectors || m != SearchMode::kBm25;
  if (opts.modes.empty()) return Error::invalid("no retrieval mode to evaluate");
  if (need_vectors && !opts.embedder)
    return Error::unsupported("dense and hybrid evaluation need an embedding model (--embedding-model MODEL.gguf)");
  LS_ASSIGN_OR_RETURN(auto kb, KnowledgeBase::open(scratch, opts.dense));
  if (need_vectors) kb->set_embedder(opts.embedder);
  (void)kb->delete_collection("eval");
  LS_ASSIGN_OR_RETURN(Collection coll, kb->create_collection("eval", opts.config));
  (void)coll;
  auto t0 = std::chrono::steady_clock::now();
  IngestOptions io;
  io.batch_docs = 2048;
  io.batch_bytes = 32u << 20;
  LS_ASSIGN_OR_RETURN(IngestReport rep, kb->ingest("eval", {dir + "/corpus.jsonl"}, io));
  r.ingest_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (rep.failed > 0) return Error::invalid(dir + "/corpus.jsonl: " + rep.errors.front());
  r.corpus_bytes = rep.bytes;
  LS_ASSIGN_OR_RETURN(CollectionStats st, kb->stats("eval"));
  r.documents = st.documents;
  r.chunks = st.chunks;
  if (need_vectors) r.embedding_model = opts.embedder->model_id();

  for (SearchMode mode : opts.modes) {
    ModeMetrics mm;
    mm.mode = mode;
    std::vector<double> ms, cpu_ms;
    double ndcg = 0, recall = 0, mrr = 0;
    for (const auto& [qid, judged] : qrels) {
      auto qt = queries.find(qid);
      std::string text = qt == queries.end() ? "" : qt->second;  // a judged query with no text scores 0
      SearchRequest req;
      req.query = text;
      req.collection = "eval";
      req.top_k = opts.top_k;
      req.include_text = opts.fetch_text;
      req.mode = mode;
      req.fusion = opts.fusion;
      req.rrf_k = opts.rrf_k;
      req.dense_weight = opts.dense_weight;
      auto q0 = std::chrono::steady_clock::now();
      double c0 = thread_cpu_ms();
      LS_ASSIGN_OR_RETURN(auto hits, kb->search(req));
      cpu_ms.push_back(thread_cpu_ms() - c0);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - q0).count());
      std::vector<std::string> ranked;
      std::unordered_set<std::string> seen;
      for (const auto& h : hits)
        if (seen.insert(h.document_id).second) ranked.push_back(h.document_id);
      ndcg += ndcg_at(ranked, judged, 10);
      recall += recall_at(ranked, judged, 100);
      mrr += mrr_at(ranked, judged, 10);
    }
    if (!qrels.empty()) {
      double n = static_cast<double>(qrels.size());
      mm.ndcg_at_10 = ndcg / n;
      mm.recall_at_100 = recall / n;
      mm.mrr_at_10 = mrr / n;
    }
    mm.p50_ms = percentile(ms, 0.5);
    mm.p99_ms = percentile(ms, 0.99);
    mm.p50_cpu_ms = percentile(cpu_ms, 0.5);
    mm.p99_cpu_ms = percentile(cpu_ms, 0.99);
    double sum = 0;
    for (double m : ms) sum += m;
    mm.mean_ms = ms.empty() ? 0 : sum / static_cast<double>(ms.size());
    r.per_mode.push_back(mm);
  }
  r.queries = static_cast<int64_t>(qrels.size());
  const ModeMetrics& first = r.per_mode.front();
  r.ndcg_at_10 = first.ndcg_at_10;
  r.recall_at_100 = first.recall_at_100;
  r.mrr_at_10 = first.mrr_at_10;
  r.p50_ms = first.p50_ms;
  r.p99_ms = first.p99_ms;
  r.mean_ms = first.mean_ms;
  r.p50_cpu_ms = first.p50_cpu_ms;
  r.p99_cpu_ms = first.p99_cpu_ms;
  return r;
}

}  // namespace ls::kb
