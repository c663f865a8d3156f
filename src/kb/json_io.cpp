#include "kb/json_io.h"

namespace ls::kb {
namespace {

nlohmann::json parse_metadata(const std::string& s) {
  auto j = nlohmann::json::parse(s, nullptr, false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

}  // namespace

nlohmann::json to_json(const SearchHit& h) {
  nlohmann::json j = {{"score", h.score},
                      {"document_id", h.document_id},
                      {"title", h.title},
                      {"source", h.source},
                      {"text", h.text},
                      {"position", h.position},
                      {"heading_path", h.heading_path},
                      {"start_offset", h.start_offset},
                      {"end_offset", h.end_offset},
                      {"chunk_id", h.chunk_id},
                      {"metadata", parse_metadata(h.metadata_json)}};
  if (h.page > 0) j["page"] = h.page;
  return j;
}

nlohmann::json to_json(const DocumentInfo& d) {
  nlohmann::json j = {{"id", d.id},
                      {"source", d.source},
                      {"title", d.title},
                      {"content_hash", d.content_hash},
                      {"metadata", parse_metadata(d.metadata_json)},
                      {"created_at", d.created_at},
                      {"updated_at", d.updated_at},
                      {"chunks", d.chunk_count}};
  if (d.source_id) j["source_id"] = *d.source_id;
  return j;
}

nlohmann::json to_json(const Document& d) {
  nlohmann::json j = to_json(d.info);
  nlohmann::json chunks = nlohmann::json::array();
  for (const auto& c : d.chunks) {
    nlohmann::json cj = {{"position", c.position},         {"text", c.text},
                         {"heading_path", c.heading_path}, {"start_offset", c.start_offset},
                         {"end_offset", c.end_offset}};
    if (c.page > 0) cj["page"] = c.page;
    chunks.push_back(std::move(cj));
  }
  j["chunks"] = std::move(chunks);
  return j;
}

nlohmann::json to_json(const DocumentPage& p) {
  nlohmann::json docs = nlohmann::json::array();
  for (const auto& d : p.items) docs.push_back(to_json(d));
  return {{"total", p.total}, {"offset", p.offset}, {"documents", std::move(docs)}};
}

nlohmann::json to_json(const Collection& c) {
  return {{"name", c.name}, {"created_at", c.created_at}, {"config", nlohmann::json::parse(c.config.to_json())}};
}

nlohmann::json to_json(const CollectionStats& s) {
  return {{"documents", s.documents}, {"chunks", s.chunks}, {"text_bytes", s.text_bytes}, {"sources", s.sources}};
}

nlohmann::json to_json(const SyncStatus& s) {
  return {{"state", s.state},     {"last_run_at", s.last_run_at}, {"duration_s", s.duration_s},
          {"added", s.added},     {"changed", s.changed},         {"removed", s.removed},
          {"unchanged", s.unchanged}, {"failed", s.failed},       {"errors", s.errors}};
}

nlohmann::json to_json(const Source& s) {
  return {{"id", s.id},
          {"collection", s.collection},
          {"uri", s.spec.uri},
          {"include", s.spec.include},
          {"exclude", s.spec.exclude},
          {"schedule", s.spec.schedule},
          {"created_at", s.created_at},
          {"status", to_json(s.status)}};
}

nlohmann::json to_json(const IngestReport& r) {
  return {{"added", r.added},   {"changed", r.changed}, {"unchanged", r.unchanged},
          {"failed", r.failed}, {"bytes", r.bytes},     {"errors", r.errors}};
}

Result<SearchRequest> search_request_from_json(const nlohmann::json& j, const std::string& default_collection) {
  if (!j.is_object()) return Error::invalid("search request must be a JSON object");
  SearchRequest r;
  auto q = j.find("query");
  if (q == j.end() || !q->is_string()) return Error::invalid("'query' must be a string");
  r.query = q->get<std::string>();
  r.collection = default_collection;
  if (auto c = j.find("collection"); c != j.end()) {
    if (!c->is_string()) return Error::invalid("'collection' must be a string");
    r.collection = c->get<std::string>();
  }
  if (r.collection.empty()) return Error::invalid("'collection' is required");
  if (auto k = j.find("top_k"); k != j.end() && !k->is_null()) {
    if (!k->is_number_integer()) return Error::invalid("'top_k' must be an integer");
    auto v = k->get<int64_t>();
    if (v < 1 || v > Bm25Retriever::kMaxTopK)
      return Error::invalid("'top_k' must be in [1, " + std::to_string(Bm25Retriever::kMaxTopK) + "]");
    r.top_k = static_cast<int>(v);
  }
  if (auto f = j.find("filters"); f != j.end() && !f->is_null()) {
    if (!f->is_object()) return Error::invalid("'filters' must be an object");
    if (auto ids = f->find("document_ids"); ids != f->end()) {
      if (!ids->is_array()) return Error::invalid("'filters.document_ids' must be an array of strings");
      if (ids->size() > 1000) return Error::limit("'filters.document_ids' has more than 1000 ids");
      for (const auto& id : *ids) {
        if (!id.is_string()) return Error::invalid("'filters.document_ids' must be an array of strings");
        r.filters.document_ids.push_back(id.get<std::string>());
      }
    }
    if (auto sp = f->find("source_prefix"); sp != f->end()) {
      if (!sp->is_string()) return Error::invalid("'filters.source_prefix' must be a string");
      r.filters.source_prefix = sp->get<std::string>();
    }
    if (auto m = f->find("metadata"); m != f->end()) {
      if (!m->is_object()) return Error::invalid("'filters.metadata' must be an object");
      if (m->size() > 32) return Error::limit("'filters.metadata' has more than 32 keys");
      for (const auto& [k, v] : m->items()) {
        if (v.is_string()) r.filters.metadata[k] = v.get<std::string>();
        else if (v.is_number() || v.is_boolean()) r.filters.metadata[k] = v.is_boolean() ? (v.get<bool>() ? "1" : "0") : v.dump();
        else return Error::invalid("'filters.metadata." + k + "' must be a string, number or boolean");
      }
    }
  }
  return r;
}

Result<NewDocument> new_document_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return Error::invalid("document must be a JSON object");
  NewDocument d;
  auto str = [&](const char* key, std::string& out, bool required) -> Status {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
      if (required) return Error::invalid(std::string("'") + key + "' is required");
      return {};
    }
    if (!it->is_string()) return Error::invalid(std::string("'") + key + "' must be a string");
    out = it->get<std::string>();
    return {};
  };
  LS_TRY(str("id", d.id, false));
  LS_TRY(str("title", d.title, false));
  LS_TRY(str("text", d.text, true));
  LS_TRY(str("format", d.format, false));
  LS_TRY(str("source", d.source, false));
  if (auto m = j.find("metadata"); m != j.end() && !m->is_null()) {
    if (!m->is_object()) return Error::invalid("'metadata' must be an object");
    d.metadata_json = m->dump();
  }
  return d;
}

}  // namespace ls::kb
