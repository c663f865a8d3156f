// `localseek kb add|search|get`: putting documents in and finding them again.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/cmd_kb.h"
#include "cli/command.h"
#include "cli/fusion_flags.h"
#include "kb/json_io.h"
#include "util/strings.h"

namespace ls::cli::kbcmd {
namespace {

struct AddArgs {
  std::string collection;
  std::vector<std::string> inputs, include, exclude, allow_hosts;
  bool create = false, ack = false;
  size_t batch = 256;
  size_t max_bytes = 32u << 20;
  long timeout_s = 30;
};

int run_add(const Context& ctx, const AddArgs& a) {
  auto k = ctx.open();
  if (!k) return 1;
  if (a.create && !k->store().get_collection(a.collection).ok()) {
    auto c = k->create_collection(a.collection);
    if (!c.ok()) return fail(c.error());
  }
  kb::IngestOptions io;
  io.include = a.include;
  io.exclude = a.exclude;
  io.batch_docs = std::max<size_t>(a.batch, 1);
  kb::FetchPolicy fp;
  fp.allow_hosts = a.allow_hosts;
  fp.max_bytes = a.max_bytes;
  fp.timeout_s = a.timeout_s;
  // With --ack, each committed document is acknowledged on stdout as soon as its transaction is
  // durable ("committed<TAB>id"), so a supervisor knows exactly what survived a crash.
  kb::CommitCallback on_commit;
  if (a.ack) {
    on_commit = [](const std::vector<kb::DocumentInput>& docs, const std::vector<kb::UpsertOutcome>&) {
      for (const auto& d : docs) std::printf("committed\t%s\n", d.id.c_str());
      std::fflush(stdout);
    };
  }
  auto rep = k->ingest(a.collection, a.inputs, io, fp, on_commit);
  if (!rep.ok()) return fail(rep.error());
  if (ctx.json) {
    print_json(kb::to_json(*rep));
  } else {
    for (const auto& e : rep->errors) std::fprintf(stderr, "skipped: %s\n", e.c_str());
    for (const auto& w : rep->warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    std::printf("%lld added, %lld changed, %lld unchanged, %lld failed (%s read)\n", static_cast<long long>(rep->added),
                static_cast<long long>(rep->changed), static_cast<long long>(rep->unchanged),
                static_cast<long long>(rep->failed), format_bytes(static_cast<double>(rep->bytes)).c_str());
  }
  // Skipped items are reported, not fatal; nothing ingested at all from failing inputs is an error.
  return rep->failed > 0 && rep->added + rep->changed + rep->unchanged == 0 ? 1 : 0;
}

struct SearchArgs {
  std::string collection;
  std::vector<std::string> words, doc_ids, meta;
  std::string source_prefix;
  int top_k = 5;
  std::string mode = "bm25", rerank;
  FusionFlags fusion;
  int candidates = 0, rerank_top_n = 0;
  bool do_rerank = false;
};

int run_search(const Context& ctx, const SearchArgs& a) {
  auto k = ctx.open();
  if (!k) return 1;
  kb::SearchRequest req;
  req.collection = a.collection;
  req.query = join(a.words, " ");
  req.top_k = a.top_k;
  req.filters.document_ids = a.doc_ids;
  req.filters.source_prefix = a.source_prefix;
  auto mode = kb::parse_search_mode(a.mode);
  if (!mode.ok()) return fail(mode.error());
  req.mode = *mode;
  if (auto st = a.fusion.apply(req); !st.ok()) return fail(st.error());
  if (a.candidates < 0 || a.candidates > 1000) return report_error("--candidates must be in [0, 1000]", 2);
  req.candidates = a.candidates;
  if (a.do_rerank || !a.rerank.empty() || a.rerank_top_n > 0) {
    if (a.rerank_top_n < 0 || a.rerank_top_n > 1000) return report_error("--rerank-top-n must be in [0, 1000]", 2);
    req.rerank = kb::RerankSpec{a.rerank, a.rerank_top_n};
  }
  for (const auto& m : a.meta) {
    auto eq = m.find('=');
    if (eq == std::string::npos || eq == 0) return report_error("--meta expects key=value, got '" + m + "'", 2);
    req.filters.metadata[m.substr(0, eq)] = m.substr(eq + 1);
  }
  auto hits = k->search(req);
  if (!hits.ok()) return fail(hits.error());
  if (ctx.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& h : *hits) arr.push_back(kb::to_json(h));
    print_json({{"query", req.query}, {"collection", req.collection}, {"mode", kb::search_mode_name(req.mode)},
                {"results", arr}});
    return 0;
  }
  if (hits->empty()) std::printf("no results\n");
  int rank = 0;
  for (const auto& h : *hits) {
    std::printf("%d. [%.3f] %s — %s", ++rank, h.score, h.title.c_str(), h.source.c_str());
    if (!h.heading_path.empty()) std::printf(" › %s", h.heading_path.c_str());
    if (h.page > 0) std::printf(" (page %d)", h.page);
    if (req.mode != kb::SearchMode::kBm25 || req.rerank) {
      std::string by;
      for (const auto& f : h.found_by) by += (by.empty() ? "" : ", ") + f.retriever + " #" + std::to_string(f.rank);
      std::printf("  [%s]", by.c_str());
    }
    std::string snippet = h.text.substr(0, 300);
    while (!snippet.empty() && (static_cast<unsigned char>(snippet.back()) & 0xC0) == 0x80) snippet.pop_back();
    if (!snippet.empty() && static_cast<unsigned char>(snippet.back()) >= 0xC0) snippet.pop_back();
    for (char& c : snippet)
      if (c == '\n') c = ' ';
    std::printf("\n   %s%s\n", snippet.c_str(), h.text.size() > 300 ? "…" : "");
  }
  return 0;
}

int run_get(const Context& ctx, const std::string& coll, const std::string& id) {
  auto k = ctx.open();
  if (!k) return 1;
  auto d = k->get_document(coll, id);
  if (!d.ok()) return fail(d.error());
  if (ctx.json) {
    print_json(kb::to_json(*d));
    return 0;
  }
  std::printf("id       %s\ntitle    %s\nsource   %s\nhash     %s\nmetadata %s\nchunks   %zu\n", d->info.id.c_str(),
              d->info.title.c_str(), d->info.source.c_str(), d->info.content_hash.c_str(),
              d->info.metadata_json.c_str(), d->chunks.size());
  for (const auto& c : d->chunks) {
    std::printf("--- chunk %d [%lld-%lld]%s%s%s\n%s\n", c.position, static_cast<long long>(c.start_offset),
                static_cast<long long>(c.end_offset), c.heading_path.empty() ? "" : " › ", c.heading_path.c_str(),
                c.page > 0 ? (" page " + std::to_string(c.page)).c_str() : "", c.text.c_str());
  }
  return 0;
}

}  // namespace

void add_document_commands(CLI::App& kb, std::shared_ptr<Context> ctx) {
  auto aa = std::make_shared<AddArgs>();
  CLI::App* add = kb.add_subcommand(
      "add", "Ingest files, folders (recursive), http(s) URLs or URL lists (*.urls) into a collection");
  add->add_option("collection", aa->collection, "Collection")->required();
  add->add_option("inputs", aa->inputs, "Files, folders, URLs, *.urls lists")->required();
  add->add_option("--include", aa->include, "Only folder files matching this glob (repeatable)");
  add->add_option("--exclude", aa->exclude, "Skip folder files matching this glob (repeatable)");
  add->add_flag("--create", aa->create, "Create the collection (default settings) if it does not exist");
  add->add_flag("--ack", aa->ack, "Print 'committed<TAB>id' for every document once it is durably stored");
  add->add_option("--batch", aa->batch, "Documents per transaction")->capture_default_str();
  add->add_option("--allow-host", aa->allow_hosts,
                  "Allow fetching from this host even if it is private/loopback/link-local (repeatable)");
  add->add_option("--max-bytes", aa->max_bytes, "Largest URL response accepted")->capture_default_str();
  add->add_option("--timeout", aa->timeout_s, "Seconds allowed per URL")->capture_default_str();
  add->callback([ctx, aa] { ctx->run = [ctx = ctx.get(), aa] { return run_add(*ctx, *aa); }; });

  auto sa = std::make_shared<SearchArgs>();
  CLI::App* search = kb.add_subcommand(
      "search", "Search: best chunks by BM25, by meaning (dense) or both (hybrid), with score, source, position "
                "and which retriever found each");
  search->add_option("collection", sa->collection, "Collection")->required();
  search->add_option("query", sa->words, "Query text (any text is valid)")->required();
  search->add_option("-k,--top-k", sa->top_k, "Number of results (1-1000)")->capture_default_str();
  search->add_option("--doc", sa->doc_ids, "Only these document ids (repeatable)");
  search->add_option("--source-prefix", sa->source_prefix, "Only documents whose source starts with this");
  search->add_option("--meta", sa->meta, "Only documents whose metadata key equals value: key=value (repeatable)");
  search->add_option("--mode", sa->mode, "bm25 | dense | hybrid (dense and hybrid need --embedding-model)")
      ->capture_default_str();
  sa->fusion.add(*search);
  search->add_option("--candidates", sa->candidates,
                     "Hybrid: results taken from each retriever before fusion (0: max(top-k, 100))");
  search->add_flag("--rerank", sa->do_rerank, "Rescore the results with --rerank-model (a cross-encoder)");
  search->add_option("--rerank-top-n", sa->rerank_top_n, "Rerank this many fused results (0: top-k)");
  search->add_option("--rerank-name", sa->rerank, "Require the loaded reranker to be this model id");
  search->callback([ctx, sa] { ctx->run = [ctx = ctx.get(), sa] { return run_search(*ctx, *sa); }; });

  auto gc = std::make_shared<std::string>();
  auto gid = std::make_shared<std::string>();
  CLI::App* get = kb.add_subcommand("get", "Show one document and its chunks");
  get->add_option("collection", *gc, "Collection")->required();
  get->add_option("id", *gid, "Document id")->required();
  get->callback([ctx, gc, gid] { ctx->run = [ctx = ctx.get(), gc, gid] { return run_get(*ctx, *gc, *gid); }; });
}

}  // namespace ls::cli::kbcmd
