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
  nlohmann::json by = nlohmann::json::array();
  for (const auto& f : h.found_by) by.push_back({{"retriever", f.retriever}, {"rank", f.rank}, {"score", f.score}});
  j["retrievers"] = std::move(by);
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
  LS_TRY(search_options_from_json(j, r));
  return r;
}

Status search_options_from_json(const nlohmann::json& j, SearchRequest& r) {
  if (auto m = j.find("mode"); m != j.end() && !m->is_null()) {
    if (!m->is_string()) return Error::invalid("'mode' must be \"bm25\", \"dense\" or \"hybrid\"");
    LS_ASSIGN_OR_RETURN(r.mode, parse_search_mode(m->get<std::string>()));
  }
  if (auto f = j.find("fusion"); f != j.end() && !f->is_null()) {
    // "rrf" | "weighted" | {"method": "rrf"|"weighted", "k": 60, "dense_weight": 0.5}
    const nlohmann::json* method = f->is_string() ? &*f : nullptr;
    if (f->is_object()) {
      if (auto it = f->find("method"); it != f->end()) method = &*it;
      if (auto k = f->find("k"); k != f->end()) {
        if (!k->is_number_integer() || k->get<int64_t>() < 0 || k->get<int64_t>() > 100000)
          return Error::invalid("'fusion.k' must be an integer in [0, 100000]");
        r.rrf_k = static_cast<int>(k->get<int64_t>());
      }
      if (auto w = f->find("dense_weight"); w != f->end()) {
        if (!w->is_number() || !(w->get<double>() >= 0 && w->get<double>() <= 1))
          return Error::invalid("'fusion.dense_weight' must be a number in [0, 1]");
        r.dense_weight = w->get<double>();
      }
    } else if (!f->is_string()) {
      return Error::invalid("'fusion' must be \"rrf\", \"weighted\" or an object {method, k, dense_weight}");
    }
    if (method != nullptr) {
      if (!method->is_string()) return Error::invalid("'fusion.method' must be \"rrf\" or \"weighted\"");
      LS_ASSIGN_OR_RETURN(r.fusion, parse_fusion_method(method->get<std::string>()));
    }
  }
  if (auto rr = j.find("rerank"); rr != j.end() && !rr->is_null()) {
    if (!rr->is_object()) return Error::invalid("'rerank' must be an object {model, top_n}");
    RerankSpec spec;
    if (auto m = rr->find("model"); m != rr->end() && !m->is_null()) {
      if (!m->is_string()) return Error::invalid("'rerank.model' must be a string");
      spec.model = m->get<std::string>();
    }
    if (auto n = rr->find("top_n"); n != rr->end() && !n->is_null()) {
      if (!n->is_number_integer() || n->get<int64_t>() < 1 || n->get<int64_t>() > Bm25Retriever::kMaxTopK)
        return Error::invalid("'rerank.top_n' must be an integer in [1, " + std::to_string(Bm25Retriever::kMaxTopK) + "]");
      spec.top_n = static_cast<int>(n->get<int64_t>());
    }
    r.rerank = spec;
  }
  return {};
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
