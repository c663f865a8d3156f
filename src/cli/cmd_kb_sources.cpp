// `localseek kb source add|ls|rm` and `localseek kb sync`: declared sources, synced incrementally.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <ctime>

#include "cli/cmd_kb.h"
#include "cli/command.h"
#include "kb/cron.h"
#include "kb/json_io.h"

namespace ls::cli::kbcmd {
namespace {

struct SourceAddArgs {
  std::string collection;
  kb::SourceSpec spec;
};

int run_source_add(const Context& ctx, const SourceAddArgs& a) {
  auto k = ctx.open();
  if (!k) return 1;
  auto s = k->add_source(a.collection, a.spec);
  if (!s.ok()) return fail(s.error());
  if (ctx.json) print_json(kb::to_json(*s));
  else std::printf("source %lld added to '%s': %s%s%s\n", static_cast<long long>(s->id), a.collection.c_str(),
                   s->spec.uri.c_str(), s->spec.schedule.empty() ? "" : ", schedule ", s->spec.schedule.c_str());
  return 0;
}

std::string when(int64_t t) {
  if (t <= 0) return "never";
  char buf[32];
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

int run_source_ls(const Context& ctx, const std::string& coll) {
  auto k = ctx.open();
  if (!k) return 1;
  auto all = k->list_sources(coll);
  if (!all.ok()) return fail(all.error());
  if (ctx.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& s : *all) {
      auto j = kb::to_json(s);
      if (!s.spec.schedule.empty()) {
        auto c = kb::CronSchedule::parse(s.spec.schedule);
        auto n = c.ok() ? c->next_after(std::time(nullptr)) : std::nullopt;
        if (n) j["next_run_at"] = static_cast<int64_t>(*n);
      }
      arr.push_back(std::move(j));
    }
    print_json({{"sources", arr}});
    return 0;
  }
  if (all->empty()) std::printf("no sources\n");
  for (const auto& s : *all) {
    std::printf("%lld\t%s\t%s\tschedule: %s\tlast run: %s (%s, +%lld ~%lld -%lld, %lld failed)\n",
                static_cast<long long>(s.id), s.collection.c_str(), s.spec.uri.c_str(),
                s.spec.schedule.empty() ? "on demand" : s.spec.schedule.c_str(), when(s.status.last_run_at).c_str(),
                s.status.state.c_str(), static_cast<long long>(s.status.added), static_cast<long long>(s.status.changed),
                static_cast<long long>(s.status.removed), static_cast<long long>(s.status.failed));
  }
  return 0;
}

int run_source_rm(const Context& ctx, int64_t id) {
  auto k = ctx.open();
  if (!k) return 1;
  if (auto st = k->remove_source(id); !st.ok()) return fail(st.error());
  if (ctx.json) print_json({{"removed_source", id}});
  else std::printf("removed source %lld (its documents stay)\n", static_cast<long long>(id));
  return 0;
}

struct SyncArgs {
  std::string collection;
  std::vector<int64_t> source_ids;
  bool due = false, ack = false;
  std::vector<std::string> allow_hosts;
};

int run_sync(const Context& ctx, const SyncArgs& a) {
  auto k = ctx.open();
  if (!k) return 1;
  std::vector<kb::Source> todo;
  if (a.due) {
    auto due = k->due_sources(std::time(nullptr));
    if (!due.ok()) return fail(due.error());
    todo = std::move(*due);
  } else {
    auto all = k->list_sources(a.collection);
    if (!all.ok()) return fail(all.error());
    todo = std::move(*all);
  }
  if (!a.source_ids.empty()) {
    std::vector<kb::Source> picked;
    for (int64_t id : a.source_ids) {
      auto it = std::find_if(todo.begin(), todo.end(), [id](const kb::Source& s) { return s.id == id; });
      if (it == todo.end()) {
        if (a.due) continue;
        return report_error("source " + std::to_string(id) + " does not exist" +
                                (a.collection.empty() ? "" : " in collection '" + a.collection + "'"),
                            2);
      }
      picked.push_back(*it);
    }
    todo = std::move(picked);
  }
  if (!a.collection.empty())
    todo.erase(std::remove_if(todo.begin(), todo.end(), [&](const kb::Source& s) { return s.collection != a.collection; }),
               todo.end());
  kb::SyncOptions so;
  so.fetch.allow_hosts = a.allow_hosts;
  if (a.ack) {
    so.on_commit = [](const std::vector<kb::DocumentInput>& docs, const std::vector<kb::UpsertOutcome>&) {
      for (const auto& d : docs) std::printf("committed\t%s\n", d.id.c_str());
      std::fflush(stdout);
    };
  }
  nlohmann::json results = nlohmann::json::array();
  bool any_error = false;
  for (const auto& s : todo) {
    auto st = k->sync_source(s.id, so);
    if (!st.ok()) return fail(st.error());
    any_error = any_error || st->state == "error";
    if (ctx.json) {
      auto j = kb::to_json(*st);
      j["source_id"] = s.id;
      j["collection"] = s.collection;
      j["uri"] = s.spec.uri;
      results.push_back(std::move(j));
    } else {
      std::printf("source %lld %s: %s, %lld added, %lld changed, %lld removed, %lld unchanged, %lld failed (%.2f s)\n",
                  static_cast<long long>(s.id), s.spec.uri.c_str(), st->state.c_str(), static_cast<long long>(st->added),
                  static_cast<long long>(st->changed), static_cast<long long>(st->removed),
                  static_cast<long long>(st->unchanged), static_cast<long long>(st->failed), st->duration_s);
      for (const auto& e : st->errors) std::fprintf(stderr, "  %s\n", e.c_str());
    }
  }
  if (ctx.json) print_json({{"synced", results}});
  else if (todo.empty()) std::printf(a.due ? "no source is due\n" : "no sources to sync (add one: localseek kb source add)\n");
  return any_error ? 1 : 0;
}

}  // namespace

void add_source_commands(CLI::App& kb, std::shared_ptr<Context> ctx) {
  CLI::App* source = kb.add_subcommand("source", "Declare the sources a collection is synced from");
  source->require_subcommand(1);

  auto sa = std::make_shared<SourceAddArgs>();
  CLI::App* add = source->add_subcommand("add", "Add a source: a file, folder, http(s) URL or URL list (*.urls)");
  add->add_option("collection", sa->collection, "Collection")->required();
  add->add_option("uri", sa->spec.uri, "File, folder, URL or *.urls list")->required();
  add->add_option("--include", sa->spec.include, "Only folder files matching this glob (repeatable)");
  add->add_option("--exclude", sa->spec.exclude, "Skip folder files matching this glob (repeatable)");
  add->add_option("--schedule", sa->spec.schedule, "Cron expression for `kb sync --due`, e.g. '0 3 * * *'");
  add->callback([ctx, sa] { ctx->run = [ctx = ctx.get(), sa] { return run_source_add(*ctx, *sa); }; });

  auto lc = std::make_shared<std::string>();
  CLI::App* ls = source->add_subcommand("ls", "List sources with their last sync status");
  ls->add_option("collection", *lc, "Only this collection");
  ls->callback([ctx, lc] { ctx->run = [ctx = ctx.get(), lc] { return run_source_ls(*ctx, *lc); }; });

  auto rid = std::make_shared<int64_t>(0);
  CLI::App* rm = source->add_subcommand("rm", "Remove a source (its documents stay in the collection)");
  rm->add_option("id", *rid, "Source id")->required();
  rm->callback([ctx, rid] { ctx->run = [ctx = ctx.get(), rid] { return run_source_rm(*ctx, *rid); }; });

  auto ya = std::make_shared<SyncArgs>();
  CLI::App* sync = kb.add_subcommand(
      "sync", "Sync sources: only changed documents are rewritten, vanished ones removed (idempotent)");
  sync->add_option("collection", ya->collection, "Only this collection's sources");
  sync->add_option("--source", ya->source_ids, "Only these source ids (repeatable)");
  sync->add_flag("--due", ya->due, "Only sources whose cron schedule has come due (run this from cron every minute)");
  sync->add_flag("--ack", ya->ack, "Print 'committed<TAB>id' for every stored document");
  sync->add_option("--allow-host", ya->allow_hosts, "Allow private/loopback/link-local URL hosts (repeatable)");
  sync->callback([ctx, ya] { ctx->run = [ctx = ctx.get(), ya] { return run_sync(*ctx, *ya); }; });
}

}  // namespace ls::cli::kbcmd
