// Errors are values: a message a user can act on (which file, which field, which limit).
// The CLI turns them into exit codes, the server into OpenAI-style bodies, each in one place.
#pragma once

#include <cstdio>
#include <string>
#include <utility>
#include <variant>

namespace ls {

enum class ErrorKind {
  kInvalidInput,   // the user's data or request is wrong
  kNotFound,       // a file, model, document or route does not exist
  kUnsupported,    // valid but not implemented / not supported (lists what is)
  kResourceLimit,  // too large, too many, out of memory, context exceeded
  kIo,             // the OS said no
  kInternal,       // a bug: should never reach a user
};

struct Error {
  ErrorKind kind = ErrorKind::kInvalidInput;
  std::string message;

  static Error invalid(std::string m) { return {ErrorKind::kInvalidInput, std::move(m)}; }
  static Error not_found(std::string m) { return {ErrorKind::kNotFound, std::move(m)}; }
  static Error unsupported(std::string m) { return {ErrorKind::kUnsupported, std::move(m)}; }
  static Error limit(std::string m) { return {ErrorKind::kResourceLimit, std::move(m)}; }
  static Error io(std::string m) { return {ErrorKind::kIo, std::move(m)}; }
  static Error internal(std::string m) { return {ErrorKind::kInternal, std::move(m)}; }

  // Prefix context, e.g. the file name: "model.gguf: tensor 'x': offset past end".
  Error with_context(const std::string& ctx) const { return {kind, ctx + ": " + message}; }
};

// Result<T>: either a value or an Error. Small on purpose (std::expected is C++23).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : err_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return err_; }

 private:
  Error err_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace ls

// Propagate an error from an expression returning Result<...>.
#define LS_CONCAT_INNER(a, b) a##b
#define LS_CONCAT(a, b) LS_CONCAT_INNER(a, b)
#define LS_TRY(expr)                           \
  do {                                         \
    auto&& ls_try_r_ = (expr);                 \
    if (!ls_try_r_.ok()) return ls_try_r_.error(); \
  } while (0)
#define LS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.error();             \
  lhs = std::move(tmp).value()
#define LS_ASSIGN_OR_RETURN(lhs, expr) \
  LS_ASSIGN_OR_RETURN_IMPL(LS_CONCAT(ls_r_, __LINE__), lhs, expr)
