// A parsed Jinja template: parse once (lexer → parser → name check), render many times with a
// context. Errors come back as values naming the line and column.
#pragma once

#include <memory>
#include <string>

#include "chat/ast.h"
#include "chat/evaluator.h"
#include "chat/lexer.h"
#include "chat/value.h"
#include "util/error.h"

namespace ls::chat {

class JinjaTemplate {
 public:
  // Fails on syntax errors and on constructs this interpreter does not support (unknown tags,
  // filters or tests), naming the construct and its position.
  static Result<JinjaTemplate> parse(const std::string& source, const LexerOptions& options = {});

  // `context` is a dict of variables (non-string keys are ignored). The template may modify
  // lists/dicts in it (list.append…): pass values made for this render.
  Result<std::string> render(const Value& context, const RenderOptions& options = {}) const;

 private:
  std::shared_ptr<const NodeList> nodes_;
};

// Turns an interpreter error into an ls::Error (raise_exception → "TemplateError: <message>").
Error to_error(const TemplateError& e);

}  // namespace ls::chat
