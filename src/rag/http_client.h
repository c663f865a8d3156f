// A bounded HTTP request for search-provider APIs (endpoints the operator configured, so no SSRF
// guard here: page fetches of search results go through kb::fetch_url, which has one). Millisecond
// deadline, capped body, no proxies from the environment, gzip accepted.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "util/error.h"

namespace ls::rag {

struct HttpRequest {
  std::string method = "GET";  // GET | POST
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;            // POST only
  long timeout_ms = 3000;
  size_t max_bytes = 4u << 20;
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

// Errors: timeout and size limit (kResourceLimit), transport failure (kIo). Any status is returned.
Result<HttpResponse> http_request(const HttpRequest& request);

// Percent-encodes a query-string component.
std::string url_encode(const std::string& s);

}  // namespace ls::rag
