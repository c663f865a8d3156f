// Template source → tokens. Text between tags is already trimmed as Jinja2 does with
// trim_blocks=True and lstrip_blocks=True plus the `-`/`+` markers, so the parser never thinks
// about whitespace. `{# #}` comments vanish; `{% raw %}` bodies become text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chat/template_error.h"

namespace ls::chat {

struct Token {
  enum class Type { kText, kVarBegin, kVarEnd, kBlockBegin, kBlockEnd, kName, kInt, kFloat, kString, kOp, kEof };
  Type type;
  std::string text;  // text, name, operator, or the decoded string literal
  int64_t int_value = 0;
  double float_value = 0;
  SourcePos pos;
};

struct LexerOptions {
  bool trim_blocks = true;
  bool lstrip_blocks = true;
  bool keep_trailing_newline = false;
};

// Throws TemplateError (kSyntax) on an unterminated tag, comment or string, or a stray character.
std::vector<Token> tokenize(const std::string& source, const LexerOptions& options = {});

}  // namespace ls::chat
