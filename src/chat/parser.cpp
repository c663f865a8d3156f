#include "chat/parser.h"

#include <algorithm>
#include <initializer_list>

namespace ls::chat {
namespace {

std::string describe(const Token& t) {
  switch (t.type) {
    case Token::Type::kText: return "template text";
    case Token::Type::kVarBegin: return "'{{'";
    case Token::Type::kVarEnd: return "'}}'";
    case Token::Type::kBlockBegin: return "'{%'";
    case Token::Type::kBlockEnd: return "'%}'";
    case Token::Type::kName: return "'" + t.text + "'";
    case Token::Type::kInt:
    case Token::Type::kFloat: return "number " + t.text;
    case Token::Type::kString: return "string literal";
    case Token::Type::kOp: return "'" + t.text + "'";
    case Token::Type::kEof: return "end of template";
  }
  return "token";
}

ExprPtr make_expr(Expr::Type type, SourcePos pos) {
  auto e = std::make_unique<Expr>();
  e->type = type;
  e->pos = pos;
  return e;
}

class Parser {
 public:
  explicit Parser(const std::vector<Token>& tokens) : t_(tokens) {}

  NodeList parse_all() {
    std::string end;
    NodeList body = parse_body({}, end, SourcePos{});
    return body;
  }

 private:
  // ---- token helpers ----
  const Token& cur() const { return t_[i_]; }
  const Token& peek(size_t k = 1) const { return t_[std::min(i_ + k, t_.size() - 1)]; }
  void advance() {
    if (i_ + 1 < t_.size()) ++i_;
  }
  bool is_op(const char* op) const { return cur().type == Token::Type::kOp && cur().text == op; }
  bool is_name(const char* name) const { return cur().type == Token::Type::kName && cur().text == name; }
  bool skip_op(const char* op) {
    if (!is_op(op)) return false;
    advance();
    return true;
  }
  bool skip_name(const char* name) {
    if (!is_name(name)) return false;
    advance();
    return true;
  }
  void expect_op(const char* op) {
    if (!skip_op(op)) fail_syntax(cur().pos, std::string("expected '") + op + "', found " + describe(cur()));
  }
  std::string expect_name(const char* what) {
    if (cur().type != Token::Type::kName) fail_syntax(cur().pos, std::string("expected ") + what + ", found " + describe(cur()));
    std::string n = cur().text;
    advance();
    return n;
  }
  void expect_block_end(const char* tag) {
    if (cur().type != Token::Type::kBlockEnd)
      fail_syntax(cur().pos, std::string("expected '%}' to close '") + tag + "', found " + describe(cur()));
    advance();
  }

  struct DepthGuard {
    explicit DepthGuard(Parser& p) : p_(p) {
      if (++p_.depth_ > kMaxParseDepth)
        fail_limit(p_.cur().pos, "nesting deeper than " + std::to_string(kMaxParseDepth) + " levels");
    }
    ~DepthGuard() { --p_.depth_; }
    Parser& p_;
  };

  // ---- statements ----

  // Parses nodes until a block tag named in `ends`; leaves the cursor after that name and
  // reports it in `found`.
  NodeList parse_body(std::initializer_list<const char*> ends, std::string& found, SourcePos opened) {
    DepthGuard guard(*this);
    NodeList nodes;
    while (true) {
      const Token& tok = cur();
      switch (tok.type) {
        case Token::Type::kEof:
          if (ends.size() != 0) {
            std::string expected;
            for (const char* e : ends) expected += (expected.empty() ? "'" : " or '") + std::string(e) + "'";
            fail_syntax(opened, "block opened here is never closed: expected " + expected + " before the end of the template");
          }
          return nodes;
        case Token::Type::kText: {
          auto n = std::make_unique<Node>();
          n->type = Node::Type::kText;
          n->pos = tok.pos;
          n->text = tok.text;
          nodes.push_back(std::move(n));
          advance();
          break;
        }
        case Token::Type::kVarBegin: {
          auto n = std::make_unique<Node>();
          n->type = Node::Type::kOutput;
          n->pos = tok.pos;
          advance();
          n->expr = parse_tuple(true);
          if (cur().type != Token::Type::kVarEnd) fail_syntax(cur().pos, "expected '}}', found " + describe(cur()));
          advance();
          nodes.push_back(std::move(n));
          break;
        }
        case Token::Type::kBlockBegin: {
          const Token& name = peek();
          if (name.type != Token::Type::kName) fail_syntax(name.pos, "expected a tag name after '{%', found " + describe(name));
          for (const char* e : ends) {
            if (name.text == e) {
              found = e;
              advance();
              advance();
              return nodes;
            }
          }
          advance();
          nodes.push_back(parse_statement(tok.pos));
          break;
        }
        default: fail_syntax(tok.pos, "unexpected " + describe(tok));
      }
    }
  }

  NodePtr parse_statement(SourcePos pos) {
    const Token& name_tok = cur();
    const std::string tag = name_tok.text;
    advance();
    auto n = std::make_unique<Node>();
    n->pos = pos;
    if (tag == "if") return parse_if(std::move(n));
    if (tag == "for") return parse_for(std::move(n));
    if (tag == "set") return parse_set(std::move(n));
    if (tag == "macro") return parse_macro(std::move(n));
    if (tag == "filter") return parse_filter_block(std::move(n));
    if (tag == "break" || tag == "continue") {
      if (loop_depth_ == 0) fail_syntax(pos, "'" + tag + "' outside of a for loop");
      n->type = tag == "break" ? Node::Type::kBreak : Node::Type::kContinue;
      expect_block_end(tag.c_str());
      return n;
    }
    static const char* const kUnsupported[] = {"call", "include", "import", "from", "extends", "block",
                                               "with", "do", "autoescape", "trans", "pluralize"};
    for (const char* u : kUnsupported)
      if (tag == u) fail_syntax(name_tok.pos, "the '{% " + tag + " %}' statement is not supported by this interpreter");
    static const char* const kStray[] = {"endif", "endfor", "endset", "endmacro", "endfilter", "else", "elif",
                                         "endraw", "endcall", "endblock"};
    for (const char* s : kStray)
      if (tag == s) fail_syntax(name_tok.pos, "unexpected '{% " + tag + " %}' without a matching opening tag");
    fail_syntax(name_tok.pos, "unknown tag '" + tag + "'");
  }

  NodePtr parse_if(NodePtr n) {
    n->type = Node::Type::kIf;
    const SourcePos opened = n->pos;
    ExprPtr cond = parse_expression();
    expect_block_end("if");
    while (true) {
      std::string found;
      NodeList body = parse_body({"elif", "else", "endif"}, found, opened);
      n->branches.emplace_back(std::move(cond), std::move(body));
      if (found == "elif") {
        cond = parse_expression();
        expect_block_end("elif");
        continue;
      }
      if (found == "else") {
        expect_block_end("else");
        std::string end;
        NodeList else_body = parse_body({"endif"}, end, opened);
        n->branches.emplace_back(nullptr, std::move(else_body));
      }
      expect_block_end("endif");
      return n;
    }
  }

  Target parse_target(bool allow_attr) {
    Target t;
    const bool paren = skip_op("(");
    t.names.push_back(expect_name("a variable name"));
    if (allow_attr && !paren && skip_op(".")) {
      t.attr = expect_name("an attribute name");
      return t;
    }
    while (skip_op(",")) {
      t.is_tuple = true;
      if (cur().type != Token::Type::kName) break;  // trailing comma
      t.names.push_back(expect_name("a variable name"));
    }
    if (paren) {
      t.is_tuple = true;
      expect_op(")");
    }
    return t;
  }

  NodePtr parse_for(NodePtr n) {
    n->type = Node::Type::kFor;
    const SourcePos opened = n->pos;
    n->target = parse_target(false);
    if (!skip_name("in")) fail_syntax(cur().pos, "expected 'in' in for loop, found " + describe(cur()));
    n->expr = parse_tuple(false);
    if (skip_name("if")) n->condition = parse_expression();
    if (is_name("recursive")) fail_syntax(cur().pos, "recursive for loops are not supported by this interpreter");
    expect_block_end("for");
    ++loop_depth_;
    std::string found;
    n->body = parse_body({"else", "endfor"}, found, opened);
    --loop_depth_;
    if (found == "else") {
      expect_block_end("else");
      std::string end;
      n->else_body = parse_body({"endfor"}, end, opened);
    }
    expect_block_end("endfor");
    return n;
  }

  NodePtr parse_set(NodePtr n) {
    const SourcePos opened = n->pos;
    n->target = parse_target(true);
    if (skip_op("=")) {
      n->type = Node::Type::kSet;
      n->expr = parse_tuple(true);
      expect_block_end("set");
      return n;
    }
    if (n->target.is_tuple || !n->target.attr.empty())
      fail_syntax(cur().pos, "a block '{% set %}' assigns to a single name");
    n->type = Node::Type::kSetBlock;
    while (skip_op("|")) n->filters.push_back(parse_filter_call(nullptr));
    expect_block_end("set");
    std::string end;
    // A block set is not a loop boundary: break/continue inside it still refer to the loop.
    n->body = parse_body({"endset"}, end, opened);
    expect_block_end("endset");
    return n;
  }

  NodePtr parse_macro(NodePtr n) {
    n->type = Node::Type::kMacro;
    const SourcePos opened = n->pos;
    n->name = expect_name("a macro name");
    expect_op("(");
    while (!is_op(")")) {
      n->params.push_back(expect_name("a parameter name"));
      n->defaults.push_back(skip_op("=") ? parse_expression() : nullptr);
      if (!skip_op(",")) break;
    }
    expect_op(")");
    expect_block_end("macro");
    const int saved_loops = loop_depth_;
    loop_depth_ = 0;  // break/continue cannot cross a macro boundary
    std::string end;
    n->body = parse_body({"endmacro"}, end, opened);
    loop_depth_ = saved_loops;
    if (cur().type == Token::Type::kName) advance();  // `{% endmacro name %}`
    expect_block_end("endmacro");
    return n;
  }

  NodePtr parse_filter_block(NodePtr n) {
    n->type = Node::Type::kFilterBlock;
    const SourcePos opened = n->pos;
    n->filters.push_back(parse_filter_call(nullptr));
    while (skip_op("|")) n->filters.push_back(parse_filter_call(nullptr));
    expect_block_end("filter");
    std::string end;
    n->body = parse_body({"endfilter"}, end, opened);
    expect_block_end("endfilter");
    return n;
  }

  // ---- expressions ----

  ExprPtr parse_tuple(bool with_condexpr) {
    const SourcePos pos = cur().pos;
    ExprPtr first = with_condexpr ? parse_expression() : parse_or();
    if (!is_op(",")) return first;
    auto t = make_expr(Expr::Type::kTuple, pos);
    t->args.push_back(std::move(first));
    while (skip_op(",")) {
      if (cur().type == Token::Type::kBlockEnd || cur().type == Token::Type::kVarEnd || is_name("if")) break;
      t->args.push_back(with_condexpr ? parse_expression() : parse_or());
    }
    return t;
  }

  ExprPtr parse_expression() {
    DepthGuard guard(*this);
    ExprPtr expr = parse_or();
    while (is_name("if")) {
      const SourcePos pos = cur().pos;
      advance();
      auto c = make_expr(Expr::Type::kCondExpr, pos);
      c->args.push_back(std::move(expr));
      c->args.push_back(parse_or());
      c->args.push_back(skip_name("else") ? parse_expression() : nullptr);
      expr = std::move(c);
    }
    return expr;
  }

  ExprPtr binary(const std::string& op, ExprPtr l, ExprPtr r, SourcePos pos) {
    auto b = make_expr(Expr::Type::kBinary, pos);
    b->name = op;
    b->args.push_back(std::move(l));
    b->args.push_back(std::move(r));
    return b;
  }

  ExprPtr parse_or() {
    ExprPtr l = parse_and();
    while (is_name("or")) {
      const SourcePos pos = cur().pos;
      advance();
      l = binary("or", std::move(l), parse_and(), pos);
    }
    return l;
  }

  ExprPtr parse_and() {
    ExprPtr l = parse_not();
    while (is_name("and")) {
      const SourcePos pos = cur().pos;
      advance();
      l = binary("and", std::move(l), parse_not(), pos);
    }
    return l;
  }

  ExprPtr parse_not() {
    if (is_name("not")) {
      DepthGuard guard(*this);
      const SourcePos pos = cur().pos;
      advance();
      auto u = make_expr(Expr::Type::kUnary, pos);
      u->name = "not";
      u->args.push_back(parse_not());
      return u;
    }
    return parse_compare();
  }

  ExprPtr parse_compare() {
    const SourcePos pos = cur().pos;
    ExprPtr first = parse_math1();
    ExprPtr cmp;
    while (true) {
      std::string op;
      if (cur().type == Token::Type::kOp &&
          (cur().text == "==" || cur().text == "!=" || cur().text == "<" || cur().text == "<=" ||
           cur().text == ">" || cur().text == ">=")) {
        op = cur().text;
        advance();
      } else if (is_name("in")) {
        op = "in";
        advance();
      } else if (is_name("not") && peek().type == Token::Type::kName && peek().text == "in") {
        op = "not in";
        advance();
        advance();
      } else {
        break;
      }
      if (!cmp) {
        cmp = make_expr(Expr::Type::kCompare, pos);
        cmp->args.push_back(std::move(first));
      }
      cmp->ops.push_back(op);
      cmp->args.push_back(parse_math1());
    }
    return cmp ? std::move(cmp) : std::move(first);
  }

  ExprPtr parse_math1() {
    ExprPtr l = parse_concat();
    while (is_op("+") || is_op("-")) {
      const SourcePos pos = cur().pos;
      const std::string op = cur().text;
      advance();
      l = binary(op, std::move(l), parse_concat(), pos);
    }
    return l;
  }

  ExprPtr parse_concat() {
    ExprPtr l = parse_math2();
    while (is_op("~")) {
      const SourcePos pos = cur().pos;
      advance();
      l = binary("~", std::move(l), parse_math2(), pos);
    }
    return l;
  }

  ExprPtr parse_math2() {
    ExprPtr l = parse_pow();
    while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
      const SourcePos pos = cur().pos;
      const std::string op = cur().text;
      advance();
      l = binary(op, std::move(l), parse_pow(), pos);
    }
    return l;
  }

  ExprPtr parse_pow() {
    ExprPtr l = parse_unary(true);
    while (is_op("**")) {
      const SourcePos pos = cur().pos;
      advance();
      l = binary("**", std::move(l), parse_unary(true), pos);
    }
    return l;
  }

  ExprPtr parse_unary(bool with_filter) {
    DepthGuard guard(*this);
    ExprPtr node;
    if (is_op("-") || is_op("+")) {
      const SourcePos pos = cur().pos;
      const std::string op = cur().text;
      advance();
      node = make_expr(Expr::Type::kUnary, pos);
      node->name = op;
      node->args.push_back(parse_unary(false));
    } else {
      node = parse_postfix(parse_primary());
    }
    return with_filter ? parse_filter_expr(std::move(node)) : std::move(node);
  }

  ExprPtr parse_primary() {
    const Token& tok = cur();
    switch (tok.type) {
      case Token::Type::kName: {
        auto e = make_expr(Expr::Type::kLiteral, tok.pos);
        if (tok.text == "true" || tok.text == "True") e->literal = Value(true);
        else if (tok.text == "false" || tok.text == "False") e->literal = Value(false);
        else if (tok.text == "none" || tok.text == "None") e->literal = Value::none();
        else {
          e->type = Expr::Type::kName;
          e->name = tok.text;
        }
        advance();
        return e;
      }
      case Token::Type::kString: {
        auto e = make_expr(Expr::Type::kLiteral, tok.pos);
        std::string s;
        while (cur().type == Token::Type::kString) {  // adjacent literals concatenate
          s += cur().text;
          advance();
        }
        e->literal = Value(std::move(s));
        return e;
      }
      case Token::Type::kInt: {
        auto e = make_expr(Expr::Type::kLiteral, tok.pos);
        e->literal = Value(tok.int_value);
        advance();
        return e;
      }
      case Token::Type::kFloat: {
        auto e = make_expr(Expr::Type::kLiteral, tok.pos);
        e->literal = Value(tok.float_value);
        advance();
        return e;
      }
      case Token::Type::kOp:
        if (tok.text == "(") return parse_paren();
        if (tok.text == "[") return parse_list();
        if (tok.text == "{") return parse_dict();
        break;
      default: break;
    }
    fail_syntax(tok.pos, "unexpected " + describe(tok) + " in an expression");
  }

  ExprPtr parse_paren() {
    DepthGuard guard(*this);
    const SourcePos pos = cur().pos;
    advance();
    if (skip_op(")")) return make_expr(Expr::Type::kTuple, pos);
    ExprPtr first = parse_expression();
    if (skip_op(")")) return first;
    auto t = make_expr(Expr::Type::kTuple, pos);
    t->args.push_back(std::move(first));
    while (skip_op(",")) {
      if (is_op(")")) break;
      t->args.push_back(parse_expression());
    }
    expect_op(")");
    return t;
  }

  ExprPtr parse_list() {
    DepthGuard guard(*this);
    auto l = make_expr(Expr::Type::kList, cur().pos);
    advance();
    while (!is_op("]")) {
      l->args.push_back(parse_expression());
      if (!skip_op(",")) break;
    }
    expect_op("]");
    return l;
  }

  ExprPtr parse_dict() {
    DepthGuard guard(*this);
    auto d = make_expr(Expr::Type::kDict, cur().pos);
    advance();
    while (!is_op("}")) {
      d->args.push_back(parse_expression());
      expect_op(":");
      d->args.push_back(parse_expression());
      if (!skip_op(",")) break;
    }
    expect_op("}");
    return d;
  }

  ExprPtr parse_postfix(ExprPtr node) {
    while (true) {
      const SourcePos pos = cur().pos;
      if (is_op(".")) {
        advance();
        if (cur().type == Token::Type::kName) {
          auto g = make_expr(Expr::Type::kGetAttr, pos);
          g->name = cur().text;
          g->args.push_back(std::move(node));
          advance();
          node = std::move(g);
        } else if (cur().type == Token::Type::kInt) {
          auto g = make_expr(Expr::Type::kGetItem, pos);
          g->args.push_back(std::move(node));
          auto idx = make_expr(Expr::Type::kLiteral, cur().pos);
          idx->literal = Value(cur().int_value);
          g->args.push_back(std::move(idx));
          advance();
          node = std::move(g);
        } else {
          fail_syntax(cur().pos, "expected an attribute name after '.', found " + describe(cur()));
        }
      } else if (is_op("[")) {
        node = parse_subscript(std::move(node));
      } else if (is_op("(")) {
        auto c = make_expr(Expr::Type::kCall, pos);
        c->args.push_back(std::move(node));
        parse_call_args(*c);
        node = std::move(c);
      } else {
        return node;
      }
    }
  }

  ExprPtr parse_subscript(ExprPtr obj) {
    DepthGuard guard(*this);
    const SourcePos pos = cur().pos;
    advance();
    ExprPtr parts[3];
    int n = 0;
    bool is_slice = false;
    while (true) {
      if (!is_op(":") && !is_op("]")) parts[n] = parse_expression();
      if (is_op(":")) {
        is_slice = true;
        if (++n > 2) fail_syntax(cur().pos, "a slice has at most three parts [start:stop:step]");
        advance();
        continue;
      }
      break;
    }
    expect_op("]");
    if (!is_slice) {
      if (!parts[0]) fail_syntax(pos, "empty subscript '[]'");
      auto g = make_expr(Expr::Type::kGetItem, pos);
      g->args.push_back(std::move(obj));
      g->args.push_back(std::move(parts[0]));
      return g;
    }
    auto s = make_expr(Expr::Type::kSlice, pos);
    s->args.push_back(std::move(obj));
    for (auto& p : parts) s->args.push_back(std::move(p));
    return s;
  }

  void parse_call_args(Expr& call) {
    DepthGuard guard(*this);
    expect_op("(");
    while (!is_op(")")) {
      if (is_op("*") || is_op("**")) fail_syntax(cur().pos, "'*args' / '**kwargs' in calls are not supported by this interpreter");
      if (cur().type == Token::Type::kName && peek().type == Token::Type::kOp && peek().text == "=") {
        std::string key = cur().text;
        advance();
        advance();
        call.kwargs.emplace_back(std::move(key), parse_expression());
      } else {
        if (!call.kwargs.empty()) fail_syntax(cur().pos, "positional argument after keyword argument");
        call.args.push_back(parse_expression());
      }
      if (!skip_op(",")) break;
    }
    expect_op(")");
  }

  // `name` or `name(args)` after '|' (the operand is filled in by the caller).
  ExprPtr parse_filter_call(ExprPtr operand) {
    const SourcePos pos = cur().pos;
    auto f = make_expr(Expr::Type::kFilter, pos);
    f->name = expect_name("a filter name");
    while (skip_op(".")) f->name += "." + expect_name("a filter name");
    f->args.push_back(std::move(operand));
    if (is_op("(")) parse_call_args(*f);
    return f;
  }

  ExprPtr parse_filter_expr(ExprPtr node) {
    while (true) {
      if (skip_op("|")) {
        node = parse_filter_call(std::move(node));
      } else if (is_name("is")) {
        const SourcePos pos = cur().pos;
        advance();
        auto t = make_expr(Expr::Type::kTest, pos);
        t->negated = skip_name("not");
        t->name = expect_name("a test name");
        while (skip_op(".")) t->name += "." + expect_name("a test name");
        t->args.push_back(std::move(node));
        if (is_op("(")) {
          parse_call_args(*t);
        } else if (starts_test_argument()) {
          t->args.push_back(parse_postfix(parse_primary()));
        }
        node = std::move(t);
      } else if (is_op("(")) {
        auto c = make_expr(Expr::Type::kCall, cur().pos);
        c->args.push_back(std::move(node));
        parse_call_args(*c);
        node = std::move(c);
      } else {
        return node;
      }
    }
  }

  // `x is divisibleby 3`: a test takes one argument without parentheses.
  bool starts_test_argument() const {
    const Token& tok = cur();
    if (tok.type == Token::Type::kName) {
      static const char* const kStop[] = {"else", "or", "and", "if", "in", "not", "is"};
      for (const char* s : kStop)
        if (tok.text == s) return false;
      return true;
    }
    if (tok.type == Token::Type::kString || tok.type == Token::Type::kInt || tok.type == Token::Type::kFloat) return true;
    return tok.type == Token::Type::kOp && (tok.text == "[" || tok.text == "{");
  }

  const std::vector<Token>& t_;
  size_t i_ = 0;
  int depth_ = 0;
  int loop_depth_ = 0;
};

}  // namespace

NodeList parse_template(const std::vector<Token>& tokens) {
  Parser p(tokens);
  return p.parse_all();
}

}  // namespace ls::chat
