// Tokens → AST, following Jinja2's grammar and operator precedence (filters and tests bind
// tighter than arithmetic; `~` tighter than `+`; `**` left-associative, as in Jinja2).
#pragma once

#include <vector>

#include "chat/ast.h"
#include "chat/lexer.h"

namespace ls::chat {

// Nesting of brackets, expressions and blocks the parser accepts (hostile templates are
// rejected with a clear error instead of overflowing the stack).
constexpr int kMaxParseDepth = 200;

// Throws TemplateError (kSyntax) naming the construct and its position.
NodeList parse_template(const std::vector<Token>& tokens);

}  // namespace ls::chat
