#include "kb/url_fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

#include "util/strings.h"

namespace ls::kb {
namespace {

struct UrlParts {
  std::string scheme, host, port;
};

Result<UrlParts> parse_url(const std::string& url) {
  CURLU* u = curl_url();
  std::unique_ptr<CURLU, void (*)(CURLU*)> guard(u, curl_url_cleanup);
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return Error::invalid("not a valid URL: " + url);
  UrlParts p;
  auto get = [&](CURLUPart part, std::string& out, CURLUcode* code = nullptr) {
    char* v = nullptr;
    CURLUcode rc = curl_url_get(u, part, &v, part == CURLUPART_PORT ? CURLU_DEFAULT_PORT : 0);
    if (code) *code = rc;
    if (rc == CURLUE_OK && v != nullptr) out = v;
    curl_free(v);
  };
  get(CURLUPART_SCHEME, p.scheme);
  get(CURLUPART_HOST, p.host);
  get(CURLUPART_PORT, p.port);
  p.scheme = to_lower_ascii(p.scheme);
  if (p.scheme != "http" && p.scheme != "https")
    return Error::invalid("only http and https URLs are fetched, not '" + p.scheme + "': " + url);
  if (p.host.empty()) return Error::invalid("URL has no host: " + url);
  if (p.host.front() == '[' && p.host.back() == ']') p.host = p.host.substr(1, p.host.size() - 2);
  return p;
}

Result<std::string> resolve_url(const std::string& base, const std::string& location) {
  CURLU* u = curl_url();
  std::unique_ptr<CURLU, void (*)(CURLU*)> guard(u, curl_url_cleanup);
  if (curl_url_set(u, CURLUPART_URL, base.c_str(), 0) != CURLUE_OK ||
      curl_url_set(u, CURLUPART_URL, location.c_str(), 0) != CURLUE_OK)
    return Error::invalid("bad redirect location '" + location + "'");
  char* v = nullptr;
  if (curl_url_get(u, CURLUPART_URL, &v, 0) != CURLUE_OK) return Error::invalid("bad redirect location");
  std::string out = v;
  curl_free(v);
  return out;
}

bool allow_listed(const std::string& host, const std::string& ip, const std::vector<std::string>& allow) {
  std::string h = to_lower_ascii(host);
  for (const auto& a : allow) {
    std::string x = to_lower_ascii(a);
    if (x == h || x == ip) return true;
  }
  return false;
}

// Resolves host and returns the checked addresses to pin the connection to.
Result<std::string> checked_address(const UrlParts& p, const FetchPolicy& policy) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(p.host.c_str(), nullptr, &hints, &res);
  if (rc != 0) return Error::io("cannot resolve host '" + p.host + "': " + gai_strerror(rc));
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(res, freeaddrinfo);
  std::string chosen;  // every checked address, comma-separated, in CURLOPT_RESOLVE form
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {0};
    if (a->ai_family == AF_INET)
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr, buf, sizeof buf);
    else if (a->ai_family == AF_INET6)
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr, buf, sizeof buf);
    else
      continue;
    std::string ip = buf;
    if (is_restricted_address(ip) && !allow_listed(p.host, ip, policy.allow_hosts))
      return Error::invalid("refusing to fetch '" + p.host + "': it resolves to the private/loopback/link-local "
                            "address " + ip + " (allow-list the host to permit it)");
    std::string form = a->ai_family == AF_INET6 ? "[" + ip + "]" : ip;
    if (chosen.find(form) == std::string::npos) chosen += (chosen.empty() ? "" : ",") + form;
  }
  if (chosen.empty()) return Error::io("host '" + p.host + "' has no usable address");
  return chosen;
}

struct Sink {
  std::string body;
  size_t max;
  bool overflow = false;
};

size_t on_data(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  size_t len = size * n;
  if (s->body.size() + len > s->max) {
    s->overflow = true;
    return 0;  // aborts the transfer
  }
  s->body.append(data, len);
  return len;
}

}  // namespace

bool is_restricted_address(const std::string& ip) {
  in_addr v4{};
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) {
    uint32_t a = ntohl(v4.s_addr);
    auto in = [a](uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
    return in(0x00000000, 8) || in(0x0A000000, 8) || in(0x7F000000, 8) || in(0xA9FE0000, 16) ||
           in(0xAC100000, 12) || in(0xC0A80000, 16) || in(0x64400000, 10) || in(0xC0000000, 24) ||
           in(0xE0000000, 4) || in(0xF0000000, 4);
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, ip.c_str(), &v6) == 1) {
    const uint8_t* b = v6.s6_addr;
    static const uint8_t kZero[16] = {0};
    bool unspecified = std::memcmp(b, kZero, 16) == 0;
    bool loopback = std::memcmp(b, kZero, 15) == 0 && b[15] == 1;
    bool mapped_v4 = std::memcmp(b, kZero, 10) == 0 && b[10] == 0xff && b[11] == 0xff;
    if (mapped_v4) {
      char buf[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, b + 12, buf, sizeof buf);
      return is_restricted_address(buf);
    }
    return unspecified || loopback || (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||
           b[0] == 0xff;
  }
  return true;  // not an address at all: refuse
}

Result<FetchResult> fetch_url(const std::string& url, const FetchPolicy& policy) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::string current = url;
  for (int hop = 0; hop <= policy.max_redirects; ++hop) {
    LS_ASSIGN_OR_RETURN(UrlParts parts, parse_url(current));
    LS_ASSIGN_OR_RETURN(std::string ip, checked_address(parts, policy));
    CURL* c = curl_easy_init();
    if (c == nullptr) return Error::internal("curl_easy_init failed");
    std::unique_ptr<CURL, void (*)(CURL*)> guard(c, curl_easy_cleanup);
    std::string pin = parts.host + ":" + parts.port + ":" + ip;
    curl_slist* resolve = curl_slist_append(nullptr, pin.c_str());
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> rguard(resolve, curl_slist_free_all);
    Sink sink;
    sink.max = policy.max_bytes;
    curl_easy_setopt(c, CURLOPT_URL, current.c_str());
    curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_TIMEOUT, policy.timeout_s);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, std::min(policy.timeout_s, 10L));
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(policy.max_bytes));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "LocalSeek/0.1 (knowledge-base ingest)");
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    CURLcode rc = curl_easy_perform(c);
    if (sink.overflow || rc == CURLE_FILESIZE_EXCEEDED)
      return Error::limit(current + ": response larger than the limit of " + format_bytes(static_cast<double>(policy.max_bytes)));
    if (rc == CURLE_OPERATION_TIMEDOUT)
      return Error::limit(current + ": no complete response within " + std::to_string(policy.timeout_s) + " s");
    if (rc != CURLE_OK) return Error::io(current + ": " + curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 300 && status < 400) {
      char* loc = nullptr;
      curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc);
      if (loc == nullptr) return Error::io(current + ": redirect (" + std::to_string(status) + ") without Location");
      LS_ASSIGN_OR_RETURN(current, resolve_url(current, loc));
      continue;
    }
    if (status < 200 || status >= 300) return Error::io(current + ": HTTP status " + std::to_string(status));
    FetchResult r;
    r.url = current;
    r.status = status;
    char* ct = nullptr;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
    if (ct != nullptr) {
      std::string t = to_lower_ascii(ct);
      r.content_type = std::string(trim(t.substr(0, t.find(';'))));
    }
    r.body = std::move(sink.body);
    return r;
  }
  return Error::limit(url + ": more than " + std::to_string(policy.max_redirects) + " redirects");
}

}  // namespace ls::kb
