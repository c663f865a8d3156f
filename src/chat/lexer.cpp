#include "chat/lexer.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "util/utf8.h"

namespace ls::chat {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

// Jinja2 reads the source with str.splitlines() and joins with "\n": CRLF and CR become LF and,
// unless keep_trailing_newline, one final newline disappears.
std::string normalize_source(const std::string& in, bool keep_trailing_newline) {
  std::string s;
  s.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r') {
      s += '\n';
      if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
    } else {
      s += in[i];
    }
  }
  if (!keep_trailing_newline && !s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

class Lexer {
 public:
  Lexer(std::string src, const LexerOptions& opt) : src_(std::move(src)), opt_(opt) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < src_.size(); ++i)
      if (src_[i] == '\n') line_starts_.push_back(i + 1);
  }

  std::vector<Token> run() {
    const size_t n = src_.size();
    while (pos_ < n) {
      const size_t tag = find_tag(pos_);
      size_t text_begin = pos_;
      size_t text_end = tag;
      // Whitespace control left over from the previous tag applies to the start of this text.
      if (strip_next_ == StripNext::kAll) {
        while (text_begin < text_end && is_space(src_[text_begin])) ++text_begin;
      } else if (strip_next_ == StripNext::kNewline && text_begin < text_end && src_[text_begin] == '\n') {
        ++text_begin;
      }
      strip_next_ = StripNext::kNone;
      if (tag == n) {
        emit_text(text_begin, text_end);
        break;
      }
      const char kind = src_[tag + 1];
      size_t inner = tag + 2;
      const char marker = inner < n ? src_[inner] : '\0';
      if (marker == '-') {
        while (text_end > text_begin && is_space(src_[text_end - 1])) --text_end;
        ++inner;
      } else if (marker == '+') {
        ++inner;
      } else if (opt_.lstrip_blocks && kind != '{') {
        text_end = lstrip_end(text_begin, text_end);
      }
      emit_text(text_begin, text_end);
      if (kind == '#') {
        lex_comment(tag, inner);
      } else if (kind == '%' && is_raw_tag(inner)) {
        lex_raw(tag, inner);
      } else {
        lex_tag(kind, tag, inner);
      }
    }
    tokens_.push_back(Token{Token::Type::kEof, "", 0, 0, pos_at(n)});
    return std::move(tokens_);
  }

  const std::string& source() const { return src_; }

 private:
  enum class StripNext { kNone, kNewline, kAll };

  SourcePos pos_at(size_t offset) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const size_t line = static_cast<size_t>(it - line_starts_.begin());
    return SourcePos{static_cast<int>(line), static_cast<int>(offset - line_starts_[line - 1] + 1)};
  }

  size_t find_tag(size_t from) const {
    size_t i = from;
    while (true) {
      i = src_.find('{', i);
      if (i == std::string::npos || i + 1 >= src_.size()) return src_.size();
      const char c = src_[i + 1];
      if (c == '{' || c == '%' || c == '#') return i;
      ++i;
    }
  }

  // lstrip_blocks: spaces and tabs between a line start and a block/comment tag go.
  size_t lstrip_end(size_t text_begin, size_t text_end) const {
    size_t i = text_end;
    while (i > text_begin && (src_[i - 1] == ' ' || src_[i - 1] == '\t')) --i;
    if (i == text_end) return text_end;
    const bool at_line_start =
        (i > text_begin && src_[i - 1] == '\n') || (i == text_begin && (i == 0 || src_[i - 1] == '\n'));
    return at_line_start ? i : text_end;
  }

  void emit_text(size_t begin, size_t end) {
    if (end > begin) tokens_.push_back(Token{Token::Type::kText, src_.substr(begin, end - begin), 0, 0, pos_at(begin)});
  }

  void set_strip_after(bool dash, bool is_block) {
    if (dash) strip_next_ = StripNext::kAll;
    else if (is_block && opt_.trim_blocks) strip_next_ = StripNext::kNewline;
  }

  void lex_comment(size_t tag, size_t inner) {
    const size_t end = src_.find("#}", inner);
    if (end == std::string::npos) fail_syntax(pos_at(tag), "unterminated comment: '{#' without '#}'");
    set_strip_after(end > inner && src_[end - 1] == '-', true);
    pos_ = end + 2;
  }

  size_t skip_spaces(size_t i) const {
    while (i < src_.size() && is_space(src_[i])) ++i;
    return i;
  }

  // Matches `word` then optional spaces and `-%}` / `%}` at i; returns the offset after it.
  bool match_word_tag(size_t i, const char* word, size_t& after, bool& dash) const {
    i = skip_spaces(i);
    const std::string w(word);
    if (src_.compare(i, w.size(), w) != 0) return false;
    i += w.size();
    if (i < src_.size() && is_name_char(src_[i])) return false;
    i = skip_spaces(i);
    dash = false;
    if (i < src_.size() && src_[i] == '-') {
      dash = true;
      ++i;
    }
    if (src_.compare(i, 2, "%}") != 0) return false;
    after = i + 2;
    return true;
  }

  bool is_raw_tag(size_t inner) const {
    size_t after = 0;
    bool dash = false;
    return match_word_tag(inner, "raw", after, dash);
  }

  void lex_raw(size_t tag, size_t inner) {
    size_t body = 0;
    bool dash = false;
    match_word_tag(inner, "raw", body, dash);
    if (dash) body = skip_spaces(body);
    else if (opt_.trim_blocks && body < src_.size() && src_[body] == '\n') ++body;
    size_t search = body;
    while (true) {
      const size_t t = src_.find("{%", search);
      if (t == std::string::npos) fail_syntax(pos_at(tag), "unterminated raw block: '{% raw %}' without '{% endraw %}'");
      size_t in = t + 2;
      bool left_dash = false;
      if (in < src_.size() && (src_[in] == '-' || src_[in] == '+')) {
        left_dash = src_[in] == '-';
        ++in;
      }
      size_t after = 0;
      bool end_dash = false;
      if (match_word_tag(in, "endraw", after, end_dash)) {
        size_t body_end = t;
        if (left_dash) {
          while (body_end > body && is_space(src_[body_end - 1])) --body_end;
        } else if (opt_.lstrip_blocks) {
          body_end = lstrip_end(body, body_end);
        }
        emit_text(body, body_end);
        set_strip_after(end_dash, true);
        pos_ = after;
        return;
      }
      search = t + 2;
    }
  }

  void lex_tag(char kind, size_t tag, size_t inner) {
    const bool is_block = kind == '%';
    tokens_.push_back(Token{is_block ? Token::Type::kBlockBegin : Token::Type::kVarBegin, "", 0, 0, pos_at(tag)});
    const char close = is_block ? '%' : '}';
    int depth = 0;
    size_t i = inner;
    const size_t n = src_.size();
    while (true) {
      i = skip_spaces(i);
      if (i >= n) {
        fail_syntax(pos_at(tag), std::string("unterminated tag: '{") + kind + "' without '" + close + "}'");
      }
      if (depth == 0) {
        bool dash = false;
        size_t j = i;
        if (src_[j] == '-' && src_.compare(j + 1, 2, std::string(1, close) + "}") == 0) {
          dash = true;
          ++j;
        }
        if (src_.compare(j, 2, std::string(1, close) + "}") == 0) {
          tokens_.push_back(Token{is_block ? Token::Type::kBlockEnd : Token::Type::kVarEnd, "", 0, 0, pos_at(i)});
          pos_ = j + 2;
          set_strip_after(dash, is_block);
          return;
        }
      }
      const char c = src_[i];
      const SourcePos p = pos_at(i);
      if (is_name_start(c)) {
        size_t j = i;
        while (j < n && is_name_char(src_[j])) ++j;
        tokens_.push_back(Token{Token::Type::kName, src_.substr(i, j - i), 0, 0, p});
        i = j;
      } else if (is_digit(c)) {
        i = lex_number(i);
      } else if (c == '\'' || c == '"') {
        i = lex_string(i);
      } else {
        static const char* const kOps[] = {"**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~",
                                           "<",  ">",  "=",  "(",  ")",  "[",  "]", "{", "}", ",", ".", ":", "|"};
        const char* found = nullptr;
        for (const char* op : kOps) {
          const size_t len = std::char_traits<char>::length(op);
          if (src_.compare(i, len, op) == 0) {
            found = op;
            break;
          }
        }
        if (found == nullptr) {
          fail_syntax(p, "unexpected character '" + std::string(1, c) + "' inside a tag");
        }
        const std::string op(found);
        if (op == "(" || op == "[" || op == "{") ++depth;
        if ((op == ")" || op == "]" || op == "}") && depth > 0) --depth;
        tokens_.push_back(Token{Token::Type::kOp, op, 0, 0, p});
        i += op.size();
      }
    }
  }

  size_t lex_number(size_t i) {
    const SourcePos p = pos_at(i);
    const size_t n = src_.size();
    std::string digits;
    auto take_digits = [&](size_t& j) {
      while (j < n && (is_digit(src_[j]) || (src_[j] == '_' && j + 1 < n && is_digit(src_[j + 1])))) {
        if (src_[j] != '_') digits += src_[j];
        ++j;
      }
    };
    size_t j = i;
    take_digits(j);
    bool is_float = false;
    if (j + 1 < n && src_[j] == '.' && is_digit(src_[j + 1])) {
      is_float = true;
      digits += '.';
      ++j;
      take_digits(j);
    }
    if (j < n && (src_[j] == 'e' || src_[j] == 'E')) {
      size_t k = j + 1;
      if (k < n && (src_[k] == '+' || src_[k] == '-')) ++k;
      if (k < n && is_digit(src_[k])) {
        is_float = true;
        digits += 'e';
        digits.append(src_, j + 1, k - j - 1);
        j = k;
        take_digits(j);
      }
    }
    Token t{is_float ? Token::Type::kFloat : Token::Type::kInt, src_.substr(i, j - i), 0, 0, p};
    errno = 0;
    if (is_float) {
      t.float_value = std::strtod(digits.c_str(), nullptr);
    } else {
      t.int_value = std::strtoll(digits.c_str(), nullptr, 10);
      if (errno == ERANGE) fail_syntax(p, "integer literal " + digits + " does not fit in 64 bits");
    }
    tokens_.push_back(std::move(t));
    return j;
  }

  // Python string literal escapes (Jinja2 decodes literals with "unicode-escape").
  size_t lex_string(size_t i) {
    const SourcePos p = pos_at(i);
    const char quote = src_[i];
    const size_t n = src_.size();
    std::string value;
    size_t j = i + 1;
    while (true) {
      if (j >= n) fail_syntax(p, "unterminated string literal");
      const char c = src_[j];
      if (c == quote) break;
      if (c != '\\') {
        value += c;
        ++j;
        continue;
      }
      if (j + 1 >= n) fail_syntax(p, "unterminated string literal");
      const char e = src_[j + 1];
      j += 2;
      auto hex = [&](int count) -> char32_t {
        char32_t v = 0;
        for (int k = 0; k < count; ++k, ++j) {
          if (j >= n || !std::isxdigit(static_cast<unsigned char>(src_[j])))
            fail_syntax(p, "truncated \\x/\\u/\\U escape in string literal");
          const char h = src_[j];
          v = v * 16 + static_cast<char32_t>(is_digit(h) ? h - '0' : (std::tolower(h) - 'a' + 10));
        }
        return v;
      };
      switch (e) {
        case '\n': break;
        case '\\': value += '\\'; break;
        case '\'': value += '\''; break;
        case '"': value += '"'; break;
        case 'a': value += '\a'; break;
        case 'b': value += '\b'; break;
        case 'f': value += '\f'; break;
        case 'n': value += '\n'; break;
        case 'r': value += '\r'; break;
        case 't': value += '\t'; break;
        case 'v': value += '\v'; break;
        case 'x': utf8::append(value, hex(2)); break;
        case 'u': utf8::append(value, hex(4)); break;
        case 'U': {
          const char32_t cp = hex(8);
          if (cp > 0x10FFFF) fail_syntax(p, "\\U escape out of range in string literal");
          utf8::append(value, cp);
          break;
        }
        case 'N': fail_syntax(p, "\\N{...} escapes in string literals are not supported");
        default:
          if (e >= '0' && e <= '7') {
            char32_t v = static_cast<char32_t>(e - '0');
            for (int k = 0; k < 2 && j < n && src_[j] >= '0' && src_[j] <= '7'; ++k, ++j)
              v = v * 8 + static_cast<char32_t>(src_[j] - '0');
            utf8::append(value, v);
          } else {
            value += '\\';
            value += e;
          }
      }
    }
    tokens_.push_back(Token{Token::Type::kString, std::move(value), 0, 0, p});
    return j + 1;
  }

  std::string src_;
  LexerOptions opt_;
  std::vector<size_t> line_starts_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  StripNext strip_next_ = StripNext::kNone;
};

}  // namespace

std::vector<Token> tokenize(const std::string& source, const LexerOptions& options) {
  Lexer lexer(normalize_source(source, options.keep_trailing_newline), options);
  return lexer.run();
}

}  // namespace ls::chat
