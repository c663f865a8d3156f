// Jinja2's built-in tests (`x is defined`, `x is divisibleby 3`, …) with Python's type rules:
// bool is a number but not an integer; a string is iterable and a sequence; undefined is iterable.
#include <cmath>
#include <unordered_map>

#include "chat/builtins.h"
#include "chat/evaluator.h"

namespace ls::chat {
namespace {

using Args = CallArgs;

void no_args(Args& a, const char* name, const SourcePos& pos) { ArgReader(a, name, pos).done(); }

Value one_arg(Args& a, const char* name, const SourcePos& pos) {
  ArgReader r(a, name, pos);
  Value v = r.require(0, "other");
  r.done();
  return v;
}

bool t_defined(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { no_args(a, "defined", pos); return !v.is_undefined(); }
bool t_undefined(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { no_args(a, "undefined", pos); return v.is_undefined(); }
bool t_none(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { no_args(a, "none", pos); return v.is_none(); }
bool t_boolean(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { no_args(a, "boolean", pos); return v.is_bool(); }
bool t_true(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { no_args(a, "true", pos); return v.is_bool() && v.as_bool(); }
bool t_false(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { no_args(a, "false", pos); return v.is_bool() && !v.as_bool(); }
bool t_string(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { no_args(a, "string", pos); return v.is_string(); }
bool t_mapping(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { no_args(a, "mapping", pos); return v.is_dict(); }
bool t_number(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { no_args(a, "number", pos); return v.is_number(); }
bool t_integer(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { no_args(a, "integer", pos); return v.is_int(); }
bool t_float(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { no_args(a, "float", pos); return v.is_float(); }
bool t_callable(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { no_args(a, "callable", pos); return v.is_callable(); }

bool t_iterable(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  no_args(a, "iterable", pos);
  return v.is_undefined() || v.is_string() || v.is_sequence() || v.is_dict();
}

bool t_sequence(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  no_args(a, "sequence", pos);
  return v.is_undefined() || v.is_string() || v.is_sequence() || v.is_dict();
}

int64_t int_of(const Value& v, const char* test, const SourcePos& pos) {
  if (v.is_int() || v.is_bool()) return v.as_int();
  if (v.is_float() && std::nearbyint(v.as_double()) == v.as_double()) return static_cast<int64_t>(v.as_double());
  fail_type(pos, test, "an integer", v);
}

bool t_even(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { no_args(a, "even", pos); return int_of(v, "even", pos) % 2 == 0; }
bool t_odd(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { no_args(a, "odd", pos); return int_of(v, "odd", pos) % 2 != 0; }

bool t_divisibleby(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "divisibleby", pos);
  const int64_t n = int_of(r.require(0, "num"), "divisibleby", pos);
  r.done();
  if (n == 0) fail_runtime(pos, "divisibleby: division by zero");
  return int_of(v, "divisibleby", pos) % n == 0;
}

bool t_eq(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { return values_equal(v, one_arg(a, "eq", pos)); }
bool t_ne(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { return !values_equal(v, one_arg(a, "ne", pos)); }

int compare_or_fail(const Value& x, const Value& y, const char* test, const SourcePos& pos) {
  int c = 0;
  if (!values_compare(x, y, c))
    fail_runtime(pos, std::string(test) + ": cannot compare '" + x.type_name() + "' with '" + y.type_name() + "'");
  return c;
}

bool t_lt(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { return compare_or_fail(v, one_arg(a, "lt", pos), "lt", pos) < 0; }
bool t_le(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { return compare_or_fail(v, one_arg(a, "le", pos), "le", pos) <= 0; }
bool t_gt(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { return compare_or_fail(v, one_arg(a, "gt", pos), "gt", pos) > 0; }
bool t_ge(Evaluator&, const Value& v, Args& a, const SourcePos& pos) { return compare_or_fail(v, one_arg(a, "ge", pos), "ge", pos) >= 0; }

bool t_in(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "in", pos);
  const Value seq = r.require(0, "seq");
  r.done();
  return contains(seq, v, pos);
}

bool t_sameas(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  const Value other = one_arg(a, "sameas", pos);
  if (v.is_number() || v.is_none() || v.is_undefined()) return v.kind() == other.kind() && values_equal(v, other);
  return v.same_object(other);
}

bool t_lower(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  no_args(a, "lower", pos);
  return v.is_string() && to_lower(v.str()) == v.str();
}

bool t_upper(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  no_args(a, "upper", pos);
  return v.is_string() && to_upper(v.str()) == v.str();
}

bool t_filter(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  no_args(a, "filter", pos);
  return v.is_string() && find_filter(v.str()) != nullptr;
}

bool t_test(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  no_args(a, "test", pos);
  return v.is_string() && find_test(v.str()) != nullptr;
}

const std::unordered_map<std::string, TestFn>& table() {
  static const std::unordered_map<std::string, TestFn> kTests = {
      {"boolean", t_boolean},   {"callable", t_callable}, {"defined", t_defined},   {"divisibleby", t_divisibleby},
      {"eq", t_eq},             {"equalto", t_eq},        {"==", t_eq},             {"even", t_even},
      {"false", t_false},       {"filter", t_filter},     {"float", t_float},       {"ge", t_ge},
      {">=", t_ge},             {"gt", t_gt},             {">", t_gt},              {"greaterthan", t_gt},
      {"in", t_in},             {"integer", t_integer},   {"iterable", t_iterable}, {"le", t_le},
      {"<=", t_le},             {"lower", t_lower},       {"lt", t_lt},             {"<", t_lt},
      {"lessthan", t_lt},       {"mapping", t_mapping},   {"ne", t_ne},             {"!=", t_ne},
      {"none", t_none},         {"number", t_number},     {"odd", t_odd},           {"sameas", t_sameas},
      {"sequence", t_sequence}, {"string", t_string},     {"test", t_test},         {"true", t_true},
      {"undefined", t_undefined}, {"upper", t_upper},
  };
  return kTests;
}

}  // namespace

const TestFn* find_test(const std::string& name) {
  auto it = table().find(name);
  return it == table().end() ? nullptr : &it->second;
}

}  // namespace ls::chat
