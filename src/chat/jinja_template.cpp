#include "chat/jinja_template.h"

#include "chat/builtins.h"
#include "chat/parser.h"

namespace ls::chat {
namespace {

// Jinja2 rejects unknown filters and tests when it compiles a template; so do we, so that an
// unsupported template fails at load time rather than on the first conversation that reaches it.
void check_expr(const Expr* e) {
  if (e == nullptr) return;
  if (e->type == Expr::Type::kFilter && find_filter(e->name) == nullptr)
    fail_syntax(e->pos, "unknown filter '" + e->name + "' (not supported by this interpreter)");
  if (e->type == Expr::Type::kTest && find_test(e->name) == nullptr)
    fail_syntax(e->pos, "unknown test '" + e->name + "' (not supported by this interpreter)");
  for (const auto& a : e->args) check_expr(a.get());
  for (const auto& [k, v] : e->kwargs) check_expr(v.get());
}

void check_nodes(const NodeList& nodes) {
  for (const auto& n : nodes) {
    check_expr(n->expr.get());
    check_expr(n->condition.get());
    for (const auto& f : n->filters) check_expr(f.get());
    for (const auto& d : n->defaults) check_expr(d.get());
    for (const auto& [cond, body] : n->branches) {
      check_expr(cond.get());
      check_nodes(body);
    }
    check_nodes(n->body);
    check_nodes(n->else_body);
  }
}

}  // namespace

Error to_error(const TemplateError& e) {
  if (e.kind() == TemplateError::Kind::kLimit) return Error::limit(e.describe());
  return Error::invalid(e.describe());
}

Result<JinjaTemplate> JinjaTemplate::parse(const std::string& source, const LexerOptions& options) {
  try {
    auto nodes = std::make_shared<NodeList>(parse_template(tokenize(source, options)));
    check_nodes(*nodes);
    JinjaTemplate t;
    t.nodes_ = std::move(nodes);
    return t;
  } catch (const TemplateError& e) {
    return to_error(e);
  }
}

Result<std::string> JinjaTemplate::render(const Value& context, const RenderOptions& options) const {
  if (!nodes_) return Error::internal("render() on a template that was never parsed");
  static const Dict kEmpty;
  ContainerScope scope;  // containers made while rendering die with it, cycles included
  try {
    Evaluator ev(options, context.is_dict() ? context.dict_ref() : kEmpty);
    return ev.render(*nodes_);
  } catch (const TemplateError& e) {
    return to_error(e);
  } catch (const std::bad_alloc&) {
    return Error::limit("template rendering ran out of memory");
  }
}

}  // namespace ls::chat
