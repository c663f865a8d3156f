// `localseek kb`: the knowledge base from the command line. Collections here; documents in
// cmd_kb_docs.cpp; sources and sync in cmd_kb_sources.cpp.
#include "cli/cmd_kb.h"

#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/collection_flags.h"
#include "cli/command.h"
#include "cli/embedding_flags.h"
#include "kb/json_io.h"
#include "util/strings.h"

namespace ls::cli::kbcmd {

std::unique_ptr<kb::KnowledgeBase> Context::open() const {
  auto k = kb::KnowledgeBase::open(data);
  if (!k.ok()) {
    fail(k.error());
    return nullptr;
  }
  auto e = open_embedder(embedding_model, threads);
  if (!e.ok()) {
    fail(e.error());
    return nullptr;
  }
  (*k)->set_embedder(*e);
  auto r = open_reranker(rerank_model, threads);
  if (!r.ok()) {
    fail(r.error());
    return nullptr;
  }
  (*k)->set_reranker(*r);
  return std::move(*k);
}

int fail(const Error& e) {
  return report_error(e.message, e.kind == ErrorKind::kInvalidInput || e.kind == ErrorKind::kNotFound ? 2 : 1);
}

void print_json(const nlohmann::json& j) {
  std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

namespace {

struct CreateArgs {
  std::string name;
  CollectionFlags settings;
};

int run_create(const Context& ctx, const CreateArgs& a) {
  auto c = a.settings.config();
  if (!c.ok()) return fail(c.error());
  auto k = ctx.open();
  if (!k) return 1;
  auto r = k->create_collection(a.name, *c);
  if (!r.ok()) return fail(r.error());
  if (ctx.json) print_json(kb::to_json(*r));
  else std::printf("created collection '%s' in %s\n", r->name.c_str(), ctx.data.c_str());
  return 0;
}

int run_rm(const Context& ctx, const std::string& coll, const std::vector<std::string>& ids) {
  auto k = ctx.open();
  if (!k) return 1;
  if (ids.empty()) {
    if (auto st = k->delete_collection(coll); !st.ok()) return fail(st.error());
    if (ctx.json) print_json({{"deleted_collection", coll}});
    else std::printf("removed collection '%s'\n", coll.c_str());
    return 0;
  }
  int code = 0;
  nlohmann::json removed = nlohmann::json::array();
  for (const auto& id : ids) {
    auto st = k->delete_document(coll, id);
    if (!st.ok()) {
      code = fail(st.error());
      continue;
    }
    removed.push_back(id);
    if (!ctx.json) std::printf("removed %s\n", id.c_str());
  }
  if (ctx.json) print_json({{"deleted_documents", removed}});
  return code;
}

int run_ls(const Context& ctx, const std::string& coll, int64_t offset, int64_t limit) {
  auto k = ctx.open();
  if (!k) return 1;
  if (coll.empty()) {
    auto all = k->list_collections();
    if (!all.ok()) return fail(all.error());
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& c : *all) {
      auto st = k->stats(c.name);
      if (!st.ok()) return fail(st.error());
      if (ctx.json) {
        auto j = kb::to_json(c);
        j["stats"] = kb::to_json(*st);
        arr.push_back(std::move(j));
      } else {
        std::printf("%-24s %8lld documents %9lld chunks %10s\n", c.name.c_str(), static_cast<long long>(st->documents),
                    static_cast<long long>(st->chunks), format_bytes(static_cast<double>(st->text_bytes)).c_str());
      }
    }
    if (ctx.json) print_json({{"collections", arr}});
    else if (all->empty()) std::printf("no collections in %s (create one: localseek kb create NAME)\n", ctx.data.c_str());
    return 0;
  }
  auto page = k->list_documents(coll, offset, limit);
  if (!page.ok()) return fail(page.error());
  if (ctx.json) {
    print_json(kb::to_json(*page));
    return 0;
  }
  for (const auto& d : page->items)
    std::printf("%s\t%s\t%lld chunks\t%s\n", d.id.c_str(), d.title.c_str(), static_cast<long long>(d.chunk_count),
                d.source.c_str());
  std::printf("(%zu of %lld documents, from %lld)\n", page->items.size(), static_cast<long long>(page->total),
              static_cast<long long>(offset));
  return 0;
}

int run_stats(const Context& ctx, const std::string& coll) {
  auto k = ctx.open();
  if (!k) return 1;
  std::vector<std::string> names;
  if (!coll.empty()) {
    names.push_back(coll);
  } else {
    auto all = k->list_collections();
    if (!all.ok()) return fail(all.error());
    for (const auto& c : *all) names.push_back(c.name);
  }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& n : names) {
    auto c = k->store().get_collection(n);
    if (!c.ok()) return fail(c.error());
    auto st = k->stats(n);
    if (!st.ok()) return fail(st.error());
    auto sources = k->list_sources(n);
    if (!sources.ok()) return fail(sources.error());
    auto space = k->store().vector_space(n);
    if (!space.ok()) return fail(space.error());
    auto vc = k->store().vector_counts(n);
    if (!vc.ok()) return fail(vc.error());
    nlohmann::json vj = nullptr;
    if (*space)
      vj = {{"model", (*space)->model},     {"dimension", (*space)->dimension},
            {"encoding", kb::vector_encoding_name((*space)->encoding)},
            {"current", vc->current},       {"stale", vc->stale},
            {"missing", vc->missing}};
    if (ctx.json) {
      auto j = kb::to_json(*c);
      j["stats"] = kb::to_json(*st);
      j["vectors"] = vj;
      nlohmann::json sj = nlohmann::json::array();
      for (const auto& s : *sources) sj.push_back(kb::to_json(s));
      j["sources"] = std::move(sj);
      out[n] = std::move(j);
      continue;
    }
    std::printf("%s: %lld documents, %lld chunks, %s of text; chunks of %d tokens (overlap %d), BM25 k1=%.2f b=%.2f, "
                "CJK %s\n",
                n.c_str(), static_cast<long long>(st->documents), static_cast<long long>(st->chunks),
                format_bytes(static_cast<double>(st->text_bytes)).c_str(), c->config.chunk_tokens,
                c->config.chunk_overlap, c->config.k1, c->config.b, kb::cjk_mode_name(c->config.analyzer.cjk));
    if (*space)
      std::printf("  vectors: %s (dimension %d, %s): %lld current, %lld stale, %lld missing%s\n",
                  (*space)->model.c_str(), (*space)->dimension, kb::vector_encoding_name((*space)->encoding),
                  static_cast<long long>(vc->current), static_cast<long long>(vc->stale),
                  static_cast<long long>(vc->missing),
                  vc->stale + vc->missing > 0 ? (" (run `localseek kb embed " + n + "`)").c_str() : "");
    else
      std::printf("  vectors: none (`localseek kb embed %s --embedding-model MODEL.gguf` makes them)\n", n.c_str());
    for (const auto& s : *sources)
      std::printf("  source %lld %s: %s (+%lld ~%lld -%lld, %lld failed)\n", static_cast<long long>(s.id),
                  s.spec.uri.c_str(), s.status.state.c_str(), static_cast<long long>(s.status.added),
                  static_cast<long long>(s.status.changed), static_cast<long long>(s.status.removed),
                  static_cast<long long>(s.status.failed));
  }
  if (ctx.json) print_json({{"data", k->store().path()}, {"collections", out}});
  return 0;
}

}  // namespace

void add_collection_commands(CLI::App& kb, std::shared_ptr<Context> ctx) {
  auto ca = std::make_shared<CreateArgs>();
  CLI::App* create = kb.add_subcommand("create", "Create a collection (analyzer, chunking and BM25 settings are fixed here)");
  create->add_option("name", ca->name, "Collection name (letters, digits, _ - .)")->required();
  ca->settings.add(*create);
  create->callback([ctx, ca] { ctx->run = [ctx = ctx.get(), ca] { return run_create(*ctx, *ca); }; });

  auto rm_coll = std::make_shared<std::string>();
  auto rm_ids = std::make_shared<std::vector<std::string>>();
  CLI::App* rm = kb.add_subcommand("rm", "Remove documents by id, or (with no id) the whole collection");
  rm->add_option("collection", *rm_coll, "Collection")->required();
  rm->add_option("ids", *rm_ids, "Document ids to remove");
  rm->callback([ctx, rm_coll, rm_ids] { ctx->run = [ctx = ctx.get(), rm_coll, rm_ids] { return run_rm(*ctx, *rm_coll, *rm_ids); }; });

  auto ls_coll = std::make_shared<std::string>();
  auto ls_off = std::make_shared<int64_t>(0);
  auto ls_lim = std::make_shared<int64_t>(50);
  CLI::App* ls = kb.add_subcommand("ls", "List collections, or the documents of one collection (paged)");
  ls->add_option("collection", *ls_coll, "Collection whose documents to list");
  ls->add_option("--offset", *ls_off, "Skip this many documents")->capture_default_str();
  ls->add_option("--limit", *ls_lim, "At most this many documents (1-1000)")->capture_default_str();
  ls->callback([ctx, ls_coll, ls_off, ls_lim] {
    ctx->run = [ctx = ctx.get(), ls_coll, ls_off, ls_lim] { return run_ls(*ctx, *ls_coll, *ls_off, *ls_lim); };
  });

  auto st_coll = std::make_shared<std::string>();
  CLI::App* stats = kb.add_subcommand("stats", "Counts, settings and source sync status per collection");
  stats->add_option("collection", *st_coll, "Only this collection");
  stats->callback([ctx, st_coll] { ctx->run = [ctx = ctx.get(), st_coll] { return run_stats(*ctx, *st_coll); }; });
}

namespace {

const Registrar kKb{{"kb", "Knowledge base: collections, documents, search, sources and sync",
                     [](CLI::App& sub) -> std::function<int()> {
                       auto ctx = std::make_shared<Context>();
                       sub.add_option("--data", ctx->data, "Data directory")->capture_default_str();
                       sub.add_flag("--json", ctx->json, "Machine-readable JSON output");
                       sub.add_option("--embedding-model", ctx->embedding_model,
                                      "GGUF embedding model (bert, qwen3): chunk vectors at ingestion, dense and "
                                      "hybrid search, `kb embed`");
                       sub.add_option("--rerank-model", ctx->rerank_model,
                                      "GGUF reranker (bge-reranker, Qwen3-Reranker) for `search --rerank`");
                       sub.add_option("--threads", ctx->threads, "Threads for those models (0: all CPUs)");
                       sub.require_subcommand(1);
                       add_collection_commands(sub, ctx);
                       add_document_commands(sub, ctx);
                       add_source_commands(sub, ctx);
                       add_vector_commands(sub, ctx);
                       for (CLI::App* c : sub.get_subcommands({})) {
                         c->fallthrough();
                         for (CLI::App* cc : c->get_subcommands({})) cc->fallthrough();
                       }
                       return [ctx] { return ctx->run ? ctx->run() : 0; };
                     }}};

}  // namespace
}  // namespace ls::cli::kbcmd
