// OpenAI-style errors: {"error":{"message","type","param","code"}} plus the HTTP status. The server
// turns every failure into one of these in this one place.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "util/error.h"

namespace ls::server {

struct ApiError {
  int status = 400;
  std::string type = "invalid_request_error";
  std::string message;
  std::string param;  // the offending request field, empty when none
  std::string code;   // machine-readable code, empty when none

  static ApiError invalid(std::string message, std::string param = {}, std::string code = {});
  static ApiError unauthorized(std::string message);
  static ApiError not_found(std::string message, std::string param = {}, std::string code = {});
  static ApiError too_large(std::string message);
  static ApiError rate_limited(std::string message);
  static ApiError not_implemented(std::string message);
  static ApiError unavailable(std::string message);
  static ApiError timeout(std::string message);
  static ApiError internal(std::string message);

  // Maps a library error (util/error.h) to a status: user input → 4xx, bugs → 500.
  static ApiError from(const Error& e, std::string param = {});

  std::string body() const;  // the JSON document
};

// Either a value or an ApiError (like ls::Result, but the error carries status and param).
template <class T>
class [[nodiscard]] ApiResult {
 public:
  ApiResult(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  ApiResult(ApiError error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  const ApiError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, ApiError> v_;
};

}  // namespace ls::server
