#include "rag/web_search.h"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "rag/http_client.h"
#include "util/strings.h"

namespace ls::rag {
namespace {

using json = nlohmann::json;

const json* walk(const json& root, const std::string& path) {
  const json* cur = &root;
  if (path.empty()) return cur;
  for (const auto& part : split(path, ".")) {
    if (cur->is_object()) {
      auto it = cur->find(part);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array()) {
      if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos || part.size() > 9)
        return nullptr;
      const size_t i = std::stoul(part);
      if (i >= cur->size()) return nullptr;
      cur = &(*cur)[i];
    } else {
      return nullptr;
    }
  }
  return cur;
}

std::string scalar_string(const json* v) {
  if (v == nullptr) return "";
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number() || v->is_boolean()) return v->dump();
  return "";
}

// The table: one row per provider (designated fields in ProviderSpec's declaration order).
std::vector<ProviderSpec> presets() {
  return {
      {.name = "searxng",
       .endpoint = "http://127.0.0.1:8888/search",
       .fixed_params = {{"format", "json"}},
       .results_path = "results",
       .snippet_path = "content"},
      {.name = "brave",
       .endpoint = "https://api.search.brave.com/res/v1/web/search",
       .count_param = "count",
       .key_env = "BRAVE_API_KEY",
       .key_header = "X-Subscription-Token",
       .results_path = "web.results",
       .snippet_path = "description"},
      {.name = "bing",
       .endpoint = "https://api.bing.microsoft.com/v7.0/search",
       .count_param = "count",
       .max_count = 50,
       .key_env = "BING_API_KEY",
       .key_header = "Ocp-Apim-Subscription-Key",
       .results_path = "webPages.value",
       .title_path = "name"},
      {.name = "tavily",
       .endpoint = "https://api.tavily.com/search",
       .method = "POST",
       .query_param = "query",
       .count_param = "max_results",
       .key_env = "TAVILY_API_KEY",
       .key_header = "Authorization",
       .key_prefix = "Bearer ",
       .results_path = "results",
       .snippet_path = "content"},
      {.name = "google",
       .endpoint = "https://www.googleapis.com/customsearch/v1",
       .count_param = "num",
       .max_count = 10,
       .key_env = "GOOGLE_API_KEY",
       .key_param = "key",
       .results_path = "items",
       .url_path = "link"},
      {.name = "json", .results_path = "results"},
  };
}

class MappedWebSearch : public WebSearch {
 public:
  MappedWebSearch(ProviderSpec spec, std::string key, long timeout_ms)
      : spec_(std::move(spec)), key_(std::move(key)), timeout_ms_(timeout_ms) {}

  const std::string& name() const override { return spec_.name; }

  Result<std::vector<WebResult>> search(const std::string& query, int max_results) override {
    const int n = std::clamp(max_results, 1, spec_.max_count);
    HttpRequest req;
    req.method = spec_.method;
    req.timeout_ms = timeout_ms_;
    std::vector<std::pair<std::string, std::string>> params = spec_.fixed_params;
    if (!spec_.key_header.empty() && !key_.empty()) req.headers.emplace_back(spec_.key_header, spec_.key_prefix + key_);
    if (!spec_.key_param.empty() && !key_.empty()) params.emplace_back(spec_.key_param, key_);
    req.headers.emplace_back("Accept", "application/json");
    if (spec_.method == "POST") {
      json body = json::object();
      body[spec_.query_param] = query;
      if (!spec_.count_param.empty()) body[spec_.count_param] = n;
      req.body = body.dump();
      req.headers.emplace_back("Content-Type", "application/json");
    } else {
      params.emplace_back(spec_.query_param, query);
      if (!spec_.count_param.empty()) params.emplace_back(spec_.count_param, std::to_string(n));
    }
    req.url = spec_.endpoint;
    for (size_t i = 0; i < params.size(); ++i)
      req.url += (i == 0 && req.url.find('?') == std::string::npos ? "?" : "&") + url_encode(params[i].first) + "=" +
                 url_encode(params[i].second);
    // The endpoint without its query string: safe to show (a key may travel in the query).
    const std::string where = spec_.name + " (" + spec_.endpoint.substr(0, spec_.endpoint.find('?')) + ")";
    auto resp = http_request(req);
    if (!resp.ok()) return Error{resp.error().kind, "web search " + where + ": " + resp.error().message};
    if (resp->status != 200)
      return Error::io("web search " + where + ": HTTP status " + std::to_string(resp->status));
    json doc = json::parse(resp->body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return Error::io("web search " + where + ": the answer is not JSON");
    const json* list = walk(doc, spec_.results_path);
    if (list == nullptr || !list->is_array())
      return Error::io("web search " + where + ": no result array at '" + spec_.results_path + "'");
    std::vector<WebResult> out;
    for (const json& item : *list) {
      WebResult r{scalar_string(walk(item, spec_.title_path)), scalar_string(walk(item, spec_.url_path)),
                  scalar_string(walk(item, spec_.snippet_path))};
      if (r.url.empty() || !(starts_with(r.url, "http://") || starts_with(r.url, "https://"))) continue;
      out.push_back(std::move(r));
      if (static_cast<int>(out.size()) >= n) break;
    }
    return out;
  }

 private:
  ProviderSpec spec_;
  std::string key_;
  long timeout_ms_;
};

}  // namespace

std::vector<std::string> provider_names() {
  std::vector<std::string> names;
  for (const auto& p : presets()) names.push_back(p.name);
  return names;
}

Result<ProviderSpec> provider_preset(const std::string& name) {
  for (auto& p : presets())
    if (p.name == name) return p;
  return Error::invalid("unknown web search provider '" + name + "' (known: " + join(provider_names(), ", ") + ")");
}

std::string json_path_string(const std::string& json_text, const std::string& path) {
  json doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded()) return "";
  return scalar_string(walk(doc, path));
}

Result<WebSearchConfig> load_web_search_config(const std::string& path) {
  LS_ASSIGN_OR_RETURN(std::string text, read_file(path));
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error::invalid(path + ": not a JSON object");
  WebSearchConfig c;
  const std::vector<std::pair<const char*, std::string*>> fields = {
      {"provider", &c.provider},         {"endpoint", &c.endpoint},     {"api_key", &c.api_key},
      {"google_cx", &c.google_cx},       {"results_path", &c.results_path}, {"title_path", &c.title_path},
      {"url_path", &c.url_path},         {"snippet_path", &c.snippet_path}, {"query_param", &c.query_param},
      {"key_header", &c.key_header}};
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "timeout_ms") {
      if (!it->is_number_integer() || it->get<long>() < 1 || it->get<long>() > 600000)
        return Error::invalid(path + ": 'timeout_ms' must be an integer in [1, 600000]");
      c.timeout_ms = it->get<long>();
      continue;
    }
    auto f = std::find_if(fields.begin(), fields.end(), [&](const auto& p) { return it.key() == p.first; });
    if (f == fields.end()) return Error::invalid(path + ": unknown key '" + it.key() + "'");
    if (!it->is_string()) return Error::invalid(path + ": '" + it.key() + "' must be a string");
    *f->second = it->get<std::string>();
  }
  return c;
}

Result<std::unique_ptr<WebSearch>> make_web_search(const WebSearchConfig& c) {
  LS_ASSIGN_OR_RETURN(ProviderSpec spec, provider_preset(c.provider));
  if (!c.endpoint.empty()) spec.endpoint = c.endpoint;
  if (spec.endpoint.empty())
    return Error::invalid("web search provider '" + spec.name + "' needs an endpoint (--search-endpoint or config)");
  if (!c.results_path.empty()) spec.results_path = c.results_path;
  if (!c.title_path.empty()) spec.title_path = c.title_path;
  if (!c.url_path.empty()) spec.url_path = c.url_path;
  if (!c.snippet_path.empty()) spec.snippet_path = c.snippet_path;
  if (!c.query_param.empty()) spec.query_param = c.query_param;
  if (!c.key_header.empty()) spec.key_header = c.key_header;
  std::string key = c.api_key;
  if (key.empty() && !spec.key_env.empty()) {
    const char* e = std::getenv(spec.key_env.c_str());
    if (e != nullptr) key = e;
  }
  if (key.empty() && !spec.key_env.empty())
    return Error::invalid("web search provider '" + spec.name + "' needs an API key: set " + spec.key_env +
                          " or api_key in the config file");
  if (spec.name == "google") {
    std::string cx = c.google_cx;
    if (cx.empty()) {
      const char* e = std::getenv("GOOGLE_CSE_ID");
      if (e != nullptr) cx = e;
    }
    if (cx.empty()) return Error::invalid("web search provider 'google' needs an engine id: set GOOGLE_CSE_ID");
    spec.fixed_params.emplace_back("cx", cx);
  }
  return std::unique_ptr<WebSearch>(std::make_unique<MappedWebSearch>(std::move(spec), std::move(key), c.timeout_ms));
}

}  // namespace ls::rag
