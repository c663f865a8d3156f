// Fetching documents over HTTP(S) with libcurl, guarded against server-side request forgery:
//  - only http and https; no proxies from the environment;
//  - the host is resolved by us and every address checked: loopback, private (RFC 1918, fc00::/7),
//    link-local (169.254/16, fe80::/10), carrier-grade NAT (100.64/10), unspecified and multicast
//    addresses are refused unless the host (name or literal address) is allow-listed;
//  - the connection is pinned to the checked address (CURLOPT_RESOLVE), so DNS cannot change it
//    between check and use;
//  - redirects are followed by us, at most max_redirects, each target checked the same way;
//  - body size and total time are bounded.
#pragma once

#include <string>
#include <vector>

#include "util/error.h"

namespace ls::kb {

struct FetchPolicy {
  size_t max_bytes = 32u << 20;
  long timeout_s = 30;
  int max_redirects = 5;
  std::vector<std::string> allow_hosts;  // host names or literal IPs allowed even when private
};

struct FetchResult {
  std::string url;           // final URL after redirects
  long status = 0;
  std::string content_type;  // without parameters, lower case
  std::string body;
};

Result<FetchResult> fetch_url(const std::string& url, const FetchPolicy& policy);

// True for addresses a public fetch must not reach (see above). `ip` is a literal IPv4/IPv6.
bool is_restricted_address(const std::string& ip);

}  // namespace ls::kb
