// Declared knowledge-base sources over the server's SyncScheduler:
//   GET  /v1/kb/sources              every source (?collection= to narrow) with its spec, schedule,
//                                    next run and the record of its last run
//   POST /v1/kb/sources/{id}/sync    runs one now (waits for a sync in progress) and returns its status
#include <charconv>

#include <nlohmann/json.hpp>

#include "kb/cron.h"
#include "kb/json_io.h"
#include "server/http_reply.h"
#include "server/routes.h"

namespace ls::server {
namespace {

using json = nlohmann::json;

// When the scheduler will next run the source (as kb::source_due decides), null without schedule.
json next_run(const kb::Source& s) {
  if (s.spec.schedule.empty()) return nullptr;
  auto cron = kb::CronSchedule::parse(s.spec.schedule);
  if (!cron.ok()) return nullptr;
  auto next = cron->next_after(s.status.last_run_at > 0 ? s.status.last_run_at : s.created_at);
  if (!next) return nullptr;
  return static_cast<int64_t>(*next);
}

void list_sources(ServerState& st, const httplib::Request& req, httplib::Response& res) {
  if (!st.kb) return reply_error(res, ApiError::unavailable("no knowledge base is open (start with --data DIR)"));
  const std::string collection = req.get_param_value("collection");
  if (!collection.empty()) {
    auto c = st.kb->store().get_collection(collection);
    if (!c.ok()) return reply_error(res, ApiError::from(c.error(), "collection"));
  }
  auto sources = st.kb->list_sources(collection);
  if (!sources.ok()) return reply_error(res, ApiError::from(sources.error()));
  json out = json::array();
  for (const auto& s : *sources) {
    json j = kb::to_json(s);
    j["next_run_at"] = next_run(s);
    out.push_back(std::move(j));
  }
  reply_json(res, 200, {{"object", "list"}, {"data", out}});
}

void sync_source(ServerState& st, const httplib::Request& req, httplib::Response& res) {
  if (!st.kb || !st.sync)
    return reply_error(res, ApiError::unavailable("no knowledge base is open (start with --data DIR)"));
  const std::string raw = req.matches[1];
  int64_t id = 0;
  auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), id);
  if (ec != std::errc() || end != raw.data() + raw.size())
    return reply_error(res, ApiError::not_found("no source with id '" + raw + "'", "id", "source_not_found"));
  auto status = st.sync->sync_now(id);
  if (!status.ok()) {
    if (status.error().kind == ErrorKind::kNotFound)
      return reply_error(res, ApiError::not_found(status.error().message, "id", "source_not_found"));
    return reply_error(res, ApiError::from(status.error()));
  }
  reply_json(res, 200, {{"source_id", id}, {"status", kb::to_json(*status)}});
}

}  // namespace

void add_kb_source_routes(httplib::Server& http, ServerState& st) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  http.Get("/v1/kb/sources", [&st](Req q, Res r) { list_sources(st, q, r); });
  http.Post(R"(/v1/kb/sources/([^/]+)/sync)", [&st](Req q, Res r) { sync_source(st, q, r); });
}

}  // namespace ls::server
