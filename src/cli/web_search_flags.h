// The web-search flags of the commands that ground answers (`ask`, `serve`): provider, endpoint,
// a JSON config file, hosts allowed although private. Header-only, like the model flags.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "rag/web_search.h"
#include "util/error.h"

namespace ls::cli {

struct WebSearchFlags {
  std::string provider;
  std::string endpoint;
  std::string config_file;
  std::vector<std::string> allow_hosts;

  // `allow_host_flag`: the commands named it differently ("--allow-host", "--web-allow-host").
  void add(CLI::App& sub, const std::string& allow_host_flag) {
    sub.add_option("--search-provider", provider,
                   "Web search provider: searxng (default), brave, bing, tavily, google, json");
    sub.add_option("--search-endpoint", endpoint, "Web search provider URL (e.g. your SearXNG /search)");
    sub.add_option("--search-config", config_file,
                   "JSON file: provider, endpoint, api_key, JSON paths (keys also from the environment)")
        ->check(CLI::ExistingFile);
    sub.add_option(allow_host_flag, allow_hosts,
                   "Host web pages may be fetched from although private/loopback (repeatable)");
  }

  bool any_given() const { return !provider.empty() || !endpoint.empty() || !config_file.empty(); }

  // The config file (when given) with --search-provider / --search-endpoint over it.
  Result<rag::WebSearchConfig> config() const {
    rag::WebSearchConfig c;
    if (!config_file.empty()) {
      LS_ASSIGN_OR_RETURN(c, rag::load_web_search_config(config_file));
    }
    if (!provider.empty()) c.provider = provider;
    if (!endpoint.empty()) c.endpoint = endpoint;
    return c;
  }
};

}  // namespace ls::cli
