// Web search behind one interface. Every provider here is a JSON API described by a table row
// (ProviderSpec): where to send the query, where the key goes, and which JSON paths hold the results'
// title/url/snippet. Presets: searxng (self-hosted, the private default), brave, bing (v7), tavily,
// google (Programmable Search); "json" is the generic mapping whose paths the operator configures.
//
// API keys come from the config file or the provider's environment variable; they are never put in
// an error message or a log line (a URL carrying a key is reported without its query string).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "util/error.h"

namespace ls::rag {

struct WebResult {
  std::string title;
  std::string url;
  std::string snippet;
};

class WebSearch {
 public:
  virtual ~WebSearch() = default;
  virtual const std::string& name() const = 0;
  // At most `max_results` results. A provider that is down, slow or answers garbage is an error
  // returned within the configured deadline.
  virtual Result<std::vector<WebResult>> search(const std::string& query, int max_results) = 0;
};

// Every member has an initializer so the preset table can name only the fields a provider sets.
struct ProviderSpec {
  std::string name{};
  std::string endpoint{};           // base URL; the query string is appended
  std::string method = "GET";     // POST sends a JSON body {query_param: q, count_param: n}
  std::string query_param = "q";
  std::string count_param{};        // empty: the count is not sent
  int max_count = 20;             // the provider's own cap on count_param
  std::vector<std::pair<std::string, std::string>> fixed_params{};  // e.g. format=json
  std::string key_env{};            // environment variable holding the key ("" = keyless)
  std::string key_header{};         // header carrying the key ...
  std::string key_prefix{};         // ... with this prefix ("Bearer ")
  std::string key_param{};          // or the query parameter carrying it
  std::string results_path{};       // dotted JSON path to the results array ("web.results")
  std::string title_path = "title";  // inside one result
  std::string url_path = "url";
  std::string snippet_path = "snippet";
};

// Names of the built-in presets.
std::vector<std::string> provider_names();
Result<ProviderSpec> provider_preset(const std::string& name);

// What the operator configures (CLI flags, server flags or a JSON config file).
struct WebSearchConfig {
  std::string provider = "searxng";
  std::string endpoint;     // overrides the preset's
  std::string api_key;      // overrides the environment variable
  std::string google_cx;    // Programmable Search engine id (env GOOGLE_CSE_ID)
  // Generic "json" provider (also override a preset): JSON paths, the query parameter name.
  std::string results_path, title_path, url_path, snippet_path, query_param, key_header;
  long timeout_ms = 3000;
};

// Reads {"provider", "endpoint", "api_key", "google_cx", "results_path", "title_path", "url_path",
// "snippet_path", "query_param", "key_header", "timeout_ms"} from a JSON file; unknown keys are errors.
Result<WebSearchConfig> load_web_search_config(const std::string& path);

Result<std::unique_ptr<WebSearch>> make_web_search(const WebSearchConfig& config);

// The value at a dotted path ("web.results", "items.0.link") as a string; "" when absent or not a
// scalar. Exposed for tests of the generic mapping.
std::string json_path_string(const std::string& json_text, const std::string& path);

}  // namespace ls::rag
