#include "server/api_error.h"

#include <nlohmann/json.hpp>

namespace ls::server {
namespace {

ApiError make(int status, const char* type, std::string message, std::string param = {},
              std::string code = {}) {
  return {status, type, std::move(message), std::move(param), std::move(code)};
}

}  // namespace

ApiError ApiError::invalid(std::string m, std::string p, std::string c) {
  return make(400, "invalid_request_error", std::move(m), std::move(p), std::move(c));
}
ApiError ApiError::unauthorized(std::string m) {
  return make(401, "authentication_error", std::move(m), {}, "invalid_api_key");
}
ApiError ApiError::not_found(std::string m, std::string p, std::string c) {
  return make(404, "not_found_error", std::move(m), std::move(p), std::move(c));
}
ApiError ApiError::too_large(std::string m) {
  return make(413, "invalid_request_error", std::move(m), {}, "request_too_large");
}
ApiError ApiError::rate_limited(std::string m) {
  return make(429, "rate_limit_error", std::move(m), {}, "queue_full");
}
ApiError ApiError::not_implemented(std::string m) {
  return make(501, "not_implemented_error", std::move(m), {}, "not_implemented");
}
ApiError ApiError::unavailable(std::string m) {
  return make(503, "unavailable_error", std::move(m), {}, "unavailable");
}
ApiError ApiError::timeout(std::string m) {
  return make(504, "timeout_error", std::move(m), {}, "timeout");
}
ApiError ApiError::internal(std::string m) {
  return make(500, "server_error", std::move(m), {}, "internal_error");
}

ApiError ApiError::from(const Error& e, std::string param) {
  switch (e.kind) {
    case ErrorKind::kInvalidInput: return invalid(e.message, std::move(param));
    case ErrorKind::kNotFound: return not_found(e.message, std::move(param));
    case ErrorKind::kUnsupported: return not_implemented(e.message);
    case ErrorKind::kResourceLimit: return invalid(e.message, std::move(param), "limit_exceeded");
    case ErrorKind::kIo: return internal(e.message);
    case ErrorKind::kInternal: return internal(e.message);
  }
  return internal(e.message);
}

std::string ApiError::body() const {
  nlohmann::json err = {{"message", message}, {"type", type}};
  err["param"] = param.empty() ? nlohmann::json(nullptr) : nlohmann::json(param);
  err["code"] = code.empty() ? nlohmann::json(nullptr) : nlohmann::json(code);
  return nlohmann::json{{"error", err}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ls::server
