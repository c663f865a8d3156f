// `localseek kb embed COLLECTION`: gives a collection the loaded embedding model and embeds every
// chunk that has no vector from it (new collection, chunks added without a model, or a model
// change that made the old vectors stale). Each batch is committed, so an interrupted run loses
// at most one batch and the next run continues from there.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>

#include "cli/cmd_kb.h"
#include "cli/command.h"

namespace ls::cli::kbcmd {
namespace {

struct EmbedArgs {
  std::string collection;
  int batch = 32;
  bool quiet = false;
};

int run_embed(const Context& ctx, const EmbedArgs& a) {
  if (ctx.embedding_model.empty())
    return report_error("kb embed needs the embedding model: localseek kb --embedding-model MODEL.gguf embed " +
                            a.collection,
                        2);
  auto k = ctx.open();
  if (!k) return 1;
  const auto t0 = std::chrono::steady_clock::now();
  auto last = t0;
  kb::EmbedProgress progress = [&](int64_t done, int64_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (!a.quiet && (now - last > std::chrono::milliseconds(500) || done == total)) {
      const double s = std::chrono::duration<double>(now - t0).count();
      std::fprintf(stderr, "\rembedded %lld / %lld chunks (%.1f chunks/s)", static_cast<long long>(done),
                   static_cast<long long>(total), s > 0 ? static_cast<double>(done) / s : 0.0);
      std::fflush(stderr);
      last = now;
    }
    return true;
  };
  auto rep = k->embed(a.collection, progress, a.batch);
  if (!a.quiet) std::fprintf(stderr, "\n");
  if (!rep.ok()) return fail(rep.error());
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (ctx.json) {
    print_json({{"collection", a.collection}, {"model", rep->model}, {"dimension", rep->dimension},
                {"embedded", rep->embedded}, {"remaining", rep->remaining}, {"model_changed", rep->model_changed},
                {"seconds", s}});
    return 0;
  }
  std::printf("%s: %lld chunks embedded with %s (dimension %d) in %.1f s%s\n", a.collection.c_str(),
              static_cast<long long>(rep->embedded), rep->model.c_str(), rep->dimension, s,
              rep->model_changed ? "; the previous model's vectors were replaced" : "");
  return rep->remaining == 0 ? 0 : 1;
}

}  // namespace

void add_vector_commands(CLI::App& kb, std::shared_ptr<Context> ctx) {
  auto ea = std::make_shared<EmbedArgs>();
  CLI::App* embed = kb.add_subcommand(
      "embed",
      "Embed a collection's chunks with --embedding-model (incremental and resumable: only chunks without a "
      "vector from that model; switching models re-embeds everything)");
  embed->add_option("collection", ea->collection, "Collection")->required();
  embed->add_option("--batch", ea->batch, "Chunks per model call and commit")->capture_default_str();
  embed->add_flag("-q,--quiet", ea->quiet, "No progress on stderr");
  embed->callback([ctx, ea] { ctx->run = [ctx = ctx.get(), ea] { return run_embed(*ctx, *ea); }; });
}

}  // namespace ls::cli::kbcmd
