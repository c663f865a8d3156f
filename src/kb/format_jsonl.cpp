// JSON-lines documents (the BEIR corpus layout).
#include <nlohmann/json.hpp>

#include "kb/formats.h"
#include "util/strings.h"

namespace ls::kb {

ParseOutput parse_jsonl(std::string_view text, const std::string& name) {
  ParseOutput out;
  size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    auto where = "line " + std::to_string(line_no) + ": ";
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      out.errors.push_back(where + "not a JSON object");
      continue;
    }
    ParsedDocument d;
    const nlohmann::json* id = j.contains("_id") ? &j["_id"] : (j.contains("id") ? &j["id"] : nullptr);
    if (id != nullptr && id->is_string()) d.id = id->get<std::string>();
    else if (id != nullptr && id->is_number_integer()) d.id = std::to_string(id->get<int64_t>());
    else if (id != nullptr) {
      out.errors.push_back(where + "\"_id\"/\"id\" must be a string or an integer");
      continue;
    }
    if (d.id.empty()) d.id = name + "#" + std::to_string(line_no);
    auto text_it = j.find("text");
    if (text_it == j.end() || !text_it->is_string()) {
      out.errors.push_back(where + "missing string field \"text\"");
      continue;
    }
    if (j.contains("title") && j["title"].is_string()) d.title = j["title"].get<std::string>();
    if (j.contains("metadata") && j["metadata"].is_object()) d.metadata_json = j["metadata"].dump();
    Section s;
    s.text = text_it->get<std::string>();
    d.sections.push_back(std::move(s));
    out.docs.push_back(std::move(d));
  }
  return out;
}

}  // namespace ls::kb
