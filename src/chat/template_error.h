// Where a construct sits in the template source, and the error the interpreter raises.
// Inside the interpreter errors travel as an exception (the evaluator is deeply recursive and
// almost every step can fail); the public API (JinjaTemplate, ChatTemplate) turns them into
// ls::Error values, so no exception ever leaves src/chat.
#pragma once

#include <stdexcept>
#include <string>

namespace ls::chat {

struct SourcePos {
  int line = 1;
  int column = 1;  // line 0: not known where it is raised (value printing); the evaluator fills it in
};

class TemplateError : public std::runtime_error {
 public:
  enum class Kind {
    kSyntax,    // the template cannot be parsed
    kRuntime,   // evaluation failed (type error, undefined, unsupported construct)
    kRaised,    // the template called raise_exception(message)
    kLimit,     // output size, recursion depth or step budget exceeded
  };
  TemplateError(Kind kind, SourcePos pos, const std::string& message)
      : std::runtime_error(message), kind_(kind), pos_(pos) {}

  Kind kind() const { return kind_; }
  SourcePos pos() const { return pos_; }
  // "TemplateError: <message>" for raise_exception (as Python's jinja2 prints it), otherwise
  // "template syntax error at line L, column C: <message>" and the like.
  std::string describe() const;

 private:
  Kind kind_;
  SourcePos pos_;
};

[[noreturn]] inline void fail_syntax(SourcePos pos, const std::string& message) {
  throw TemplateError(TemplateError::Kind::kSyntax, pos, message);
}
[[noreturn]] inline void fail_runtime(SourcePos pos, const std::string& message) {
  throw TemplateError(TemplateError::Kind::kRuntime, pos, message);
}
[[noreturn]] inline void fail_limit(SourcePos pos, const std::string& message) {
  throw TemplateError(TemplateError::Kind::kLimit, pos, message);
}

inline std::string TemplateError::describe() const {
  const std::string where = "line " + std::to_string(pos_.line) + ", column " + std::to_string(pos_.column);
  switch (kind_) {
    case Kind::kRaised: return std::string("TemplateError: ") + what();
    case Kind::kSyntax: return "template syntax error at " + where + ": " + what();
    case Kind::kLimit: return "template limit exceeded at " + where + ": " + what();
    case Kind::kRuntime: break;
  }
  return "template error at " + where + ": " + what();
}

}  // namespace ls::chat
