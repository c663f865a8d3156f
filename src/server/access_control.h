// Who may call the server: API keys (Authorization: Bearer) compared in constant time, and the
// CORS allow-list for browsers. Both off unless configured.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ls::server {

// Equal strings take as long to compare as unequal ones of the same length: the time says nothing
// about how many leading bytes matched.
bool constant_time_equals(std::string_view a, std::string_view b);

class ApiKeys {
 public:
  ApiKeys() = default;
  explicit ApiKeys(std::vector<std::string> keys);

  bool enabled() const { return !keys_.empty(); }
  // The value of an Authorization header; true when it is "Bearer <one of the keys>".
  bool accepts(std::string_view authorization) const;

 private:
  std::vector<std::string> keys_;
};

// One key per line; blank lines and lines starting with '#' are skipped, whitespace trimmed.
Result<std::vector<std::string>> read_api_key_file(const std::string& path);

class CorsPolicy {
 public:
  CorsPolicy() = default;
  explicit CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

  bool enabled() const { return !origins_.empty(); }
  // The Access-Control-Allow-Origin value for a request's Origin, empty when not allowed.
  std::string allow_origin(std::string_view origin) const;

 private:
  std::vector<std::string> origins_;  // exact origins, or "*"
};

}  // namespace ls::server
