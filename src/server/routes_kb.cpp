// Knowledge-base endpoints over kb::KnowledgeBase:
//   POST   /v1/kb/{collection}/documents       JSON document(s) or multipart file upload
//   GET    /v1/kb/{collection}/documents       paged list (?offset=&limit=)
//   GET    /v1/kb/{collection}/documents/{id}  one document with its chunks (?chunks=false)
//   DELETE /v1/kb/{collection}/documents/{id}
//   GET    /v1/kb/collections                  collections with their sizes
//   POST   /search (also /v1/search)           {query, collection, top_k (default 5), filters}
#include <nlohmann/json.hpp>

#include "kb/formats.h"
#include "kb/json_io.h"
#include "server/http_reply.h"
#include "server/routes.h"

namespace ls::server {
namespace {

using json = nlohmann::json;

std::optional<ApiError> need_kb(const ServerState& st) {
  if (!st.kb) return ApiError::unavailable("no knowledge base is open (start with --data DIR)");
  return std::nullopt;
}

const char* outcome_name(kb::UpsertOutcome o) {
  switch (o) {
    case kb::UpsertOutcome::kAdded: return "added";
    case kb::UpsertOutcome::kChanged: return "changed";
    case kb::UpsertOutcome::kUnchanged: return "unchanged";
  }
  return "added";
}

// Uploads go into a collection that is created on first use.
Status ensure_collection(kb::KnowledgeBase& k, const std::string& name) {
  auto c = k.store().get_collection(name);
  if (c.ok()) return {};
  if (c.error().kind != ErrorKind::kNotFound) return c.error();
  auto made = k.create_collection(name);
  if (!made.ok() && made.error().message.find("already exists") == std::string::npos) return made.error();
  return {};
}

// A multipart file part as a document: its file name is its id and title source, its extension
// its format (text, markdown, html).
ApiResult<kb::NewDocument> document_from_upload(const httplib::MultipartFormData& f) {
  kb::NewDocument d;
  d.id = f.filename.empty() ? f.name : f.filename;
  d.text = f.content;
  d.source = f.filename.empty() ? "upload" : "upload:" + f.filename;
  auto fmt = kb::format_for_path(f.filename.empty() ? "upload.txt" : f.filename);
  if (!fmt.ok()) return ApiError::invalid(fmt.error().message, "file", "unsupported_format");
  if (*fmt != kb::Format::kText && *fmt != kb::Format::kMarkdown && *fmt != kb::Format::kHtml)
    return ApiError::invalid("'" + f.filename + "': upload text, markdown or html files (" +
                                 kb::format_name(*fmt) + " files: use `localseek kb add`)",
                             "file", "unsupported_format");
  d.format = kb::format_name(*fmt);
  return d;
}

ApiResult<std::vector<kb::NewDocument>> documents_from_request(const httplib::Request& req) {
  std::vector<kb::NewDocument> docs;
  if (req.is_multipart_form_data()) {
    for (const auto& [name, part] : req.files) {
      if (part.filename.empty() && name != "file") continue;  // plain form fields
      auto d = document_from_upload(part);
      if (!d.ok()) return d.error();
      docs.push_back(std::move(d).value());
    }
    if (docs.empty()) return ApiError::invalid("the multipart upload holds no file part", "file");
    return docs;
  }
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return ApiError::invalid("request body is not valid JSON");
  const json* list = &body;
  if (body.is_object() && body.contains("documents")) list = &body["documents"];
  if (list->is_object()) {
    auto d = kb::new_document_from_json(*list);
    if (!d.ok()) return ApiError::from(d.error());
    docs.push_back(std::move(d).value());
  } else if (list->is_array()) {
    if (list->empty()) return ApiError::invalid("'documents' must not be empty", "documents");
    for (size_t i = 0; i < list->size(); ++i) {
      auto d = kb::new_document_from_json((*list)[i]);
      if (!d.ok()) return ApiError::from(d.error().with_context("documents[" + std::to_string(i) + "]"), "documents");
      docs.push_back(std::move(d).value());
    }
  } else {
    return ApiError::invalid("body must be a document object, an array of them, or {\"documents\": [...]}");
  }
  return docs;
}

void add_documents(ServerState& st, const httplib::Request& req, httplib::Response& res) {
  if (auto e = need_kb(st)) return reply_error(res, *e);
  const std::string collection = req.matches[1];
  auto docs = documents_from_request(req);
  if (!docs.ok()) return reply_error(res, docs.error());
  if (auto s = ensure_collection(*st.kb, collection); !s.ok())
    return reply_error(res, ApiError::from(s.error(), "collection"));
  json out = json::array();
  for (const auto& d : docs.value()) {
    auto added = st.kb->add_document(collection, d);
    if (!added.ok()) return reply_error(res, ApiError::from(added.error().with_context(d.id.empty() ? "document" : d.id)));
    out.push_back({{"id", added->id}, {"outcome", outcome_name(added->outcome)}, {"chunks", added->chunks}});
  }
  reply_json(res, 201, {{"collection", collection}, {"documents", out}});
}

int64_t int_param(const httplib::Request& req, const char* key, int64_t fallback, bool& ok) {
  if (!req.has_param(key)) return fallback;
  const std::string v = req.get_param_value(key);
  char* end = nullptr;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  ok = ok && !v.empty() && *end == '\0';
  return n;
}

void list_documents(ServerState& st, const httplib::Request& req, httplib::Response& res) {
  if (auto e = need_kb(st)) return reply_error(res, *e);
  bool ok = true;
  const int64_t offset = int_param(req, "offset", 0, ok);
  const int64_t limit = int_param(req, "limit", 50, ok);
  if (!ok) return reply_error(res, ApiError::invalid("'offset' and 'limit' must be integers"));
  auto page = st.kb->list_documents(req.matches[1], offset, limit);
  if (!page.ok()) return reply_error(res, ApiError::from(page.error()));
  json out = kb::to_json(*page);
  out["limit"] = limit;
  reply_json(res, 200, out);
}

void get_document(ServerState& st, const httplib::Request& req, httplib::Response& res) {
  if (auto e = need_kb(st)) return reply_error(res, *e);
  const bool chunks = req.get_param_value("chunks") != "false";
  auto doc = st.kb->get_document(req.matches[1], req.matches[2], chunks);
  if (!doc.ok()) return reply_error(res, ApiError::from(doc.error()));
  reply_json(res, 200, kb::to_json(*doc));
}

void delete_document(ServerState& st, const httplib::Request& req, httplib::Response& res) {
  if (auto e = need_kb(st)) return reply_error(res, *e);
  const std::string id = req.matches[2];
  auto s = st.kb->delete_document(req.matches[1], id);
  if (!s.ok()) return reply_error(res, ApiError::from(s.error()));
  reply_json(res, 200, {{"id", id}, {"deleted", true}});
}

void search(ServerState& st, const httplib::Request& req, httplib::Response& res) {
  if (auto e = need_kb(st)) return reply_error(res, *e);
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return reply_error(res, ApiError::invalid("request body is not valid JSON"));
  auto sr = kb::search_request_from_json(body);
  if (!sr.ok()) return reply_error(res, ApiError::from(sr.error()));
  auto hits = st.kb->search(*sr);
  if (!hits.ok()) return reply_error(res, ApiError::from(hits.error(), "collection"));
  json results = json::array();
  for (const auto& h : *hits) results.push_back(kb::to_json(h));
  reply_json(res, 200, {{"object", "list"}, {"query", sr->query}, {"collection", sr->collection},
                        {"results", results}});
}

void list_collections(ServerState& st, const httplib::Request&, httplib::Response& res) {
  if (auto e = need_kb(st)) return reply_error(res, *e);
  auto all = st.kb->list_collections();
  if (!all.ok()) return reply_error(res, ApiError::from(all.error()));
  json out = json::array();
  for (const auto& c : *all) {
    json j = kb::to_json(c);
    if (auto s = st.kb->stats(c.name); s.ok()) j["stats"] = kb::to_json(*s);
    out.push_back(j);
  }
  reply_json(res, 200, {{"object", "list"}, {"data", out}});
}

}  // namespace

void add_kb_routes(httplib::Server& http, ServerState& st) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  const std::string docs = R"(/v1/kb/([^/]+)/documents)";
  http.Post(docs, [&st](Req q, Res r) { add_documents(st, q, r); });
  http.Get(docs, [&st](Req q, Res r) { list_documents(st, q, r); });
  http.Get(docs + "/(.+)", [&st](Req q, Res r) { get_document(st, q, r); });
  http.Delete(docs + "/(.+)", [&st](Req q, Res r) { delete_document(st, q, r); });
  http.Get("/v1/kb/collections", [&st](Req q, Res r) { list_collections(st, q, r); });
  http.Post("/search", [&st](Req q, Res r) { search(st, q, r); });
  http.Post("/v1/search", [&st](Req q, Res r) { search(st, q, r); });
}

}  // namespace ls::server
