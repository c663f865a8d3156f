#include "server/access_control.h"

#include <fstream>

namespace ls::server {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool constant_time_equals(std::string_view a, std::string_view b) {
  // Walk the longer length so a short guess costs as much as a long one.
  const size_t n = std::max(a.size(), b.size());
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned>(x ^ y);
  }
  return diff == 0;
}

ApiKeys::ApiKeys(std::vector<std::string> keys) {
  for (auto& k : keys)
    if (!k.empty()) keys_.push_back(std::move(k));
}

bool ApiKeys::accepts(std::string_view authorization) const {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() < kScheme.size()) return false;
  // The scheme is case-insensitive (RFC 7235).
  for (size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i])))
      return false;
  const std::string_view token = trim(authorization.substr(kScheme.size()));
  bool match = false;
  for (const auto& k : keys_) match |= constant_time_equals(token, k);  // no early exit
  return match;
}

Result<std::vector<std::string>> read_api_key_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::io(path + ": cannot open API key file");
  std::vector<std::string> keys;
  std::string line;
  while (std::getline(in, line)) {
    std::string_view k = trim(line);
    if (k.empty() || k.front() == '#') continue;
    keys.emplace_back(k);
  }
  if (keys.empty()) return Error::invalid(path + ": API key file holds no key");
  return keys;
}

std::string CorsPolicy::allow_origin(std::string_view origin) const {
  if (origin.empty()) return {};
  for (const auto& o : origins_) {
    if (o == "*") return "*";
    if (o == origin) return std::string(origin);
  }
  return {};
}

}  // namespace ls::server
