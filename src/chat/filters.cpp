// Jinja2's built-in filters that chat templates use, plus `tojson` as Hugging Face defines it:
// json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include "chat/builtins.h"
#include "chat/evaluator.h"

namespace ls::chat {
namespace {

using Args = CallArgs;

std::string display(const Value& v) { return to_display_string(v); }

// `attribute="a.b"` or an integer index, as Jinja2's make_attrgetter.
Value get_path(Evaluator& ev, const Value& item, const Value& attribute, const SourcePos& pos) {
  if (attribute.is_int()) return ev.get_item(item, attribute, pos);
  if (!attribute.is_string()) fail_type(pos, "attribute", "a string", attribute);
  Value cur = item;
  const std::string& path = attribute.str();
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const bool numeric = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    cur = numeric ? ev.get_item(cur, Value(static_cast<int64_t>(std::atoll(part.c_str()))), pos)
                  : ev.get_item(cur, Value(part), pos);
    if (dot == std::string::npos) return cur;
    start = dot + 1;
  }
}

ValueList seq_of(Evaluator& ev, const Value& v, const SourcePos& pos) { return ev.iterate(v, pos); }

Value f_abs(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader(a, "abs", pos).done();
  if (v.is_float()) return Value(std::fabs(v.as_double()));
  if (v.is_number()) {
    if (v.as_int() == INT64_MIN) fail_runtime(pos, "integer overflow");
    return Value(v.as_int() < 0 ? -v.as_int() : v.as_int());
  }
  fail_type(pos, "abs", "a number", v);
}

Value f_attr(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "attr", pos);
  const Value name = r.require(0, "name");
  r.done();
  if (!name.is_string()) fail_type(pos, "attr", "a string name", name);
  // Python getattr only: a dict's keys are not attributes (unlike `d.key` in a template).
  if (v.is_dict()) {
    Value m = find_method(v, name.str());
    return m.is_undefined() ? Value::undefined("'dict object' has no attribute '" + name.str() + "'") : m;
  }
  return ev.get_attr(v, name.str(), pos);
}

Value f_capitalize(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader(a, "capitalize", pos).done();
  const std::u32string u = to_u32(display(v));
  if (u.empty()) return Value("");
  return Value(to_upper(from_u32(u.substr(0, 1))) + to_lower(from_u32(u.substr(1))));
}

Value f_length(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader(a, "length", pos).done();
  return Value(py_len(v, pos));
}

Value f_default(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "default", pos);
  const Value fallback = r.get(0, "default_value", Value(""));
  const bool boolean = r.get(1, "boolean", Value(false)).truthy();
  r.done();
  if (v.is_undefined() || (boolean && !v.truthy())) return fallback;
  return v;
}

Value f_dictsort(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "dictsort", pos);
  const bool case_sensitive = r.get(0, "case_sensitive", Value(false)).truthy();
  const Value by = r.get(1, "by", Value("key"));
  const bool reverse = r.get(2, "reverse", Value(false)).truthy();
  r.done();
  if (!v.is_dict()) fail_type(pos, "dictsort", "a dict", v);
  const bool by_value = by.is_string() && by.str() == "value";
  std::vector<std::pair<Value, Value>> entries = v.dict_ref().entries();
  auto key = [&](const Value& x) { return x.is_string() && !case_sensitive ? Value(to_lower(x.str())) : x; };
  std::stable_sort(entries.begin(), entries.end(), [&](const auto& x, const auto& y) {
    int c = 0;
    if (!values_compare(key(by_value ? x.second : x.first), key(by_value ? y.second : y.first), c))
      fail_runtime(pos, "dictsort: cannot compare the " + std::string(by_value ? "values" : "keys"));
    return reverse ? c > 0 : c < 0;
  });
  ValueList out;
  for (auto& [k, val] : entries) out.push_back(Value::tuple({k, val}));
  return Value::list(std::move(out));
}

Value f_escape(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader(a, "escape", pos).done();
  if (v.is_markup()) return v;
  return Value::markup(html_escape(display(v)));
}

Value f_first(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader(a, "first", pos).done();
  ValueList items = seq_of(ev, v, pos);
  return items.empty() ? Value::undefined("first: the sequence is empty") : items.front();
}

Value f_last(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader(a, "last", pos).done();
  ValueList items = seq_of(ev, v, pos);
  return items.empty() ? Value::undefined("last: the sequence is empty") : items.back();
}

bool parse_number(const std::string& text, bool want_int, int base, Value& out) {
  std::string s = std::string(py_strip(text, Value::none(), true, true));
  s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
  if (s.empty()) return false;
  char* end = nullptr;
  if (want_int) {
    errno = 0;
    const long long x = std::strtoll(s.c_str(), &end, base);
    if (*end == '\0' && errno == 0) {
      out = Value(static_cast<int64_t>(x));
      return true;
    }
  }
  const double d = std::strtod(s.c_str(), &end);
  if (*end != '\0') return false;
  if (want_int) {
    if (!std::isfinite(d) || std::fabs(d) > 9.2e18) return false;
    out = Value(static_cast<int64_t>(d));
  } else {
    out = Value(d);
  }
  return true;
}

Value f_int(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "int", pos);
  const Value fallback = r.get(0, "default", Value(0));
  const Value base = r.get(1, "base", Value(10));
  r.done();
  if (v.is_bool() || v.is_int()) return Value(v.as_int());
  if (v.is_float()) {
    const double d = v.as_double();
    if (!std::isfinite(d) || std::fabs(d) > 9.2e18) return fallback;
    return Value(static_cast<int64_t>(d));
  }
  Value out;
  if (v.is_string() && parse_number(v.str(), true, static_cast<int>(base.as_int()), out)) return out;
  return fallback;
}

Value f_float(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "float", pos);
  const Value fallback = r.get(0, "default", Value(0.0));
  r.done();
  if (v.is_number()) return Value(v.as_double());
  Value out;
  if (v.is_string() && parse_number(v.str(), false, 10, out)) return out;
  return fallback;
}

Value f_indent(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "indent", pos);
  const Value width = r.get(0, "width", Value(4));
  const bool first = r.get(1, "first", Value(false)).truthy();
  const bool blank = r.get(2, "blank", Value(false)).truthy();
  r.done();
  const int64_t n_spaces = width.is_string() ? 0 : std::max<int64_t>(0, width.as_int());
  ev.check_size(static_cast<size_t>(std::min<int64_t>(n_spaces, INT32_MAX)), pos);
  const std::string ind = width.is_string() ? width.str() : std::string(static_cast<size_t>(n_spaces), ' ');
  const std::string text = display(v);
  ev.check_size(text.size() + (static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1) * ind.size(), pos);
  // Jinja2 appends a newline and splits into lines, so a trailing newline survives unindented.
  const std::string s = text + "\n";
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < s.size()) {
    const size_t nl = s.find('\n', start);
    lines.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) {
      out += '\n';
      if (blank || !lines[i].empty()) out += ind;
    }
    out += lines[i];
  }
  if (first) out = ind + out;
  return v.is_markup() ? Value::markup(out) : Value(out);
}

Value f_items(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader(a, "items", pos).done();
  if (v.is_undefined()) return Value::list();
  if (!v.is_dict()) fail_type(pos, "items", "a mapping", v);
  ValueList out;
  for (const auto& [k, val] : v.dict_ref().entries()) out.push_back(Value::tuple({k, val}));
  return Value::list(std::move(out));
}

Value f_join(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "join", pos);
  const Value sep = r.get(0, "d", Value(""));
  const Value attribute = r.get(1, "attribute", Value::none());
  r.done();
  std::string out;
  bool first = true;
  for (const Value& item : seq_of(ev, v, pos)) {
    if (!first) out += display(sep);
    first = false;
    out += display(attribute.is_none() ? item : get_path(ev, item, attribute, pos));
    ev.check_size(out.size(), pos);
  }
  return Value(out);
}

Value f_list(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader(a, "list", pos).done();
  return Value::list(seq_of(ev, v, pos));
}

Value f_lower(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader(a, "lower", pos).done();
  return Value(to_lower(display(v)));
}

Value f_upper(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader(a, "upper", pos).done();
  return Value(to_upper(display(v)));
}

Value f_map(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) {
  ValueList out;
  // Jinja2's map/select generators skip a falsy operand (None included) without iterating it.
  const ValueList items = v.truthy() ? seq_of(ev, v, pos) : ValueList();
  for (auto& [k, val] : a.named) {
    if (k != "attribute") continue;
    Value fallback;
    bool has_default = false;
    for (auto& [k2, v2] : a.named) {
      if (k2 == "default") {
        fallback = v2;
        has_default = true;
      } else if (k2 != "attribute") {
        fail_runtime(pos, "map() got an unexpected keyword argument '" + k2 + "'");
      }
    }
    for (const Value& item : items) {
      Value x = get_path(ev, item, val, pos);
      out.push_back(x.is_undefined() && has_default ? fallback : x);
    }
    return Value::list(std::move(out));
  }
  if (a.positional.empty() || !a.positional[0].is_string()) fail_runtime(pos, "map() needs a filter name or attribute=");
  const std::string filter = a.positional[0].str();
  CallArgs rest;
  rest.positional.assign(a.positional.begin() + 1, a.positional.end());
  rest.named = a.named;
  for (const Value& item : items) {
    CallArgs copy = rest;
    out.push_back(ev.apply_filter(filter, item, copy, pos));
  }
  return Value::list(std::move(out));
}

// select / reject / selectattr / rejectattr share one body.
Value select_impl(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos, bool want, bool by_attr) {
  const ValueList items = v.truthy() ? seq_of(ev, v, pos) : ValueList();
  size_t next = 0;
  Value attribute;
  if (by_attr) {
    if (a.positional.empty()) fail_runtime(pos, std::string(want ? "selectattr" : "rejectattr") + "() needs an attribute name");
    attribute = a.positional[next++];
  }
  std::string test;
  if (next < a.positional.size()) {
    if (!a.positional[next].is_string()) fail_type(pos, "select", "a test name", a.positional[next]);
    test = a.positional[next++].str();
  }
  CallArgs test_args;
  test_args.positional.assign(a.positional.begin() + static_cast<std::ptrdiff_t>(next), a.positional.end());
  test_args.named = a.named;
  ValueList out;
  for (const Value& item : items) {
    const Value subject = by_attr ? get_path(ev, item, attribute, pos) : item;
    bool ok;
    if (test.empty()) {
      ok = subject.truthy();
    } else {
      CallArgs copy = test_args;
      ok = ev.apply_test(test, subject, copy, pos);
    }
    if (ok == want) out.push_back(item);
  }
  return Value::list(std::move(out));
}

Value f_select(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) { return select_impl(ev, v, a, pos, true, false); }
Value f_reject(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) { return select_impl(ev, v, a, pos, false, false); }
Value f_selectattr(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) { return select_impl(ev, v, a, pos, true, true); }
Value f_rejectattr(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) { return select_impl(ev, v, a, pos, false, true); }

Value f_replace(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "replace", pos);
  const Value from = r.require(0, "old");
  const Value to = r.require(1, "new");
  const Value count = r.get(2, "count", Value::none());
  r.done();
  std::string out = py_replace(display(v), display(from), display(to), count.is_none() ? -1 : count.as_int(),
                               ev.options().limits.max_output_bytes, pos);
  ev.check_size(out.size(), pos);
  return Value(std::move(out));
}

Value f_reverse(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader(a, "reverse", pos).done();
  if (v.is_string()) {
    std::u32string u = to_u32(v.str());
    std::reverse(u.begin(), u.end());
    return Value(from_u32(u));
  }
  ValueList items = seq_of(ev, v, pos);
  std::reverse(items.begin(), items.end());
  return Value::list(std::move(items));
}

Value f_round(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "round", pos);
  const int64_t precision = r.get(0, "precision", Value(0)).as_int();
  const Value method = r.get(1, "method", Value("common"));
  r.done();
  if (!v.is_number()) fail_type(pos, "round", "a number", v);
  const double scale = std::pow(10.0, static_cast<double>(precision));
  const double x = v.as_double() * scale;
  double y;
  const std::string m = method.is_string() ? method.str() : "";
  if (m == "common") y = std::nearbyint(x);  // Python's round(): halves to even
  else if (m == "ceil") y = std::ceil(x);
  else if (m == "floor") y = std::floor(x);
  else fail_runtime(pos, "round: method must be 'common', 'ceil' or 'floor'");
  return Value(y / scale);
}

Value f_safe(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader(a, "safe", pos).done();
  return Value::markup(display(v));
}

Value f_sort(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "sort", pos);
  const bool reverse = r.get(0, "reverse", Value(false)).truthy();
  const bool case_sensitive = r.get(1, "case_sensitive", Value(false)).truthy();
  const Value attribute = r.get(2, "attribute", Value::none());
  r.done();
  ValueList items = seq_of(ev, v, pos);
  auto key = [&](const Value& x) {
    Value k = attribute.is_none() ? x : get_path(ev, x, attribute, pos);
    return k.is_string() && !case_sensitive ? Value(to_lower(k.str())) : k;
  };
  std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
    int c = 0;
    if (!values_compare(key(x), key(y), c)) fail_runtime(pos, "sort: the items cannot be compared");
    return reverse ? c > 0 : c < 0;
  });
  return Value::list(std::move(items));
}

Value f_string(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader(a, "string", pos).done();
  if (v.is_markup()) return v;
  return Value(display(v));
}

Value f_sum(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "sum", pos);
  const Value attribute = r.get(0, "attribute", Value::none());
  Value total = r.get(1, "start", Value(0));
  r.done();
  for (const Value& item : seq_of(ev, v, pos))
    total = binary_op("+", total, attribute.is_none() ? item : get_path(ev, item, attribute, pos), pos, ev);
  return total;
}

// Jinja2's title: split at runs of "-", whitespace, "(", "{", "[", "<"; each piece's first
// character upper-cased, the rest lower-cased.
Value f_title(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader(a, "title", pos).done();
  const std::u32string u = to_u32(display(v));
  auto is_sep = [](char32_t c) {
    return c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == '(' ||
           c == '{' || c == '[' || c == '<';
  };
  std::string out;
  size_t i = 0;
  while (i < u.size()) {
    size_t j = i;
    while (j < u.size() && is_sep(u[j])) ++j;
    out += from_u32(u.substr(i, j - i));
    if (j >= u.size()) break;
    size_t k = j + 1;
    while (k < u.size() && !is_sep(u[k])) ++k;
    out += to_upper(from_u32(u.substr(j, 1)));
    out += to_lower(from_u32(u.substr(j + 1, k - j - 1)));
    i = k;
  }
  return Value(out);
}

Value f_tojson(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "tojson", pos);
  JsonDumpOptions opt;
  opt.ensure_ascii = r.get(0, "ensure_ascii", Value(false)).truthy();
  const Value indent = r.get(1, "indent", Value::none());
  const Value separators = r.get(2, "separators", Value::none());
  opt.sort_keys = r.get(3, "sort_keys", Value(false)).truthy();
  r.done();
  if (indent.is_string()) {
    opt.indent = 1;
    opt.indent_str = indent.str();
  } else if (indent.is_int()) {
    opt.indent = static_cast<int>(std::clamp<int64_t>(indent.as_int(), 0, 64));
    opt.indent_str = std::string(static_cast<size_t>(opt.indent), ' ');
  } else if (!indent.is_none()) {
    fail_type(pos, "tojson", "an integer or string indent", indent);
  }
  if (opt.indent >= 0) opt.item_sep = ",";
  if (!separators.is_none()) {
    if (!separators.is_sequence() || separators.items().size() != 2 || !separators.items()[0].is_string() ||
        !separators.items()[1].is_string())
      fail_type(pos, "tojson", "separators as a pair of strings", separators);
    opt.item_sep = separators.items()[0].str();
    opt.key_sep = separators.items()[1].str();
  }
  std::string out, error;
  if (!to_json_text(v, opt, out, error)) fail_runtime(pos, "tojson: " + error);
  ev.check_size(out.size(), pos);
  return Value(std::move(out));
}

Value f_trim(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "trim", pos);
  const Value chars = r.get(0, "chars", Value::none());
  r.done();
  return Value(py_strip(display(v), chars, true, true));
}

Value f_unique(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "unique", pos);
  const bool case_sensitive = r.get(0, "case_sensitive", Value(false)).truthy();
  const Value attribute = r.get(1, "attribute", Value::none());
  r.done();
  ValueList out, seen;
  for (const Value& item : seq_of(ev, v, pos)) {
    Value k = attribute.is_none() ? item : get_path(ev, item, attribute, pos);
    if (k.is_string() && !case_sensitive) k = Value(to_lower(k.str()));
    bool dup = false;
    for (const Value& s : seen) dup = dup || values_equal(s, k);
    if (dup) continue;
    seen.push_back(k);
    out.push_back(item);
  }
  return Value::list(std::move(out));
}

Value minmax(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos, bool want_max) {
  ArgReader r(a, want_max ? "max" : "min", pos);
  const bool case_sensitive = r.get(0, "case_sensitive", Value(false)).truthy();
  const Value attribute = r.get(1, "attribute", Value::none());
  r.done();
  const ValueList items = seq_of(ev, v, pos);
  if (items.empty()) return Value::undefined("no items in the sequence");
  auto key = [&](const Value& x) {
    Value k = attribute.is_none() ? x : get_path(ev, x, attribute, pos);
    return k.is_string() && !case_sensitive ? Value(to_lower(k.str())) : k;
  };
  size_t best = 0;
  for (size_t i = 1; i < items.size(); ++i) {
    int c = 0;
    if (!values_compare(key(items[i]), key(items[best]), c)) fail_runtime(pos, "min/max: the items cannot be compared");
    if (want_max ? c > 0 : c < 0) best = i;
  }
  return items[best];
}

Value f_max(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) { return minmax(ev, v, a, pos, true); }
Value f_min(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) { return minmax(ev, v, a, pos, false); }

Value f_batch(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "batch", pos);
  const int64_t size = r.require(0, "linecount").as_int();
  const Value fill = r.get(1, "fill_with", Value::none());
  r.done();
  if (size <= 0) fail_runtime(pos, "batch: linecount must be positive");
  if (!fill.is_none()) ev.check_size(static_cast<size_t>(std::min<int64_t>(size, INT32_MAX)), pos);
  ValueList out, cur;
  for (const Value& item : seq_of(ev, v, pos)) {
    cur.push_back(item);
    if (static_cast<int64_t>(cur.size()) == size) {
      out.push_back(Value::list(std::move(cur)));
      cur.clear();
    }
  }
  if (!cur.empty()) {
    if (!fill.is_none())
      while (static_cast<int64_t>(cur.size()) < size) cur.push_back(fill);
    out.push_back(Value::list(std::move(cur)));
  }
  return Value::list(std::move(out));
}

Value f_center(Evaluator& ev, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader r(a, "center", pos);
  const int64_t width = r.get(0, "width", Value(80)).as_int();
  r.done();
  const std::string s = display(v);
  const int64_t len = static_cast<int64_t>(to_u32(s).size());
  if (width <= len) return Value(s);
  ev.check_size(static_cast<size_t>(width), pos);
  // Python's str.center: the odd extra space goes left when the padding is odd and the width odd.
  const int64_t pad = width - len;
  const int64_t left = pad / 2 + (pad & width & 1);
  return Value(std::string(static_cast<size_t>(left), ' ') + s + std::string(static_cast<size_t>(pad - left), ' '));
}

Value f_format(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  if (!a.named.empty() && !a.positional.empty())
    fail_runtime(pos, "format: use either positional or keyword arguments, not both");
  Value args;
  if (!a.named.empty()) {
    args = Value::dict();
    for (auto& [k, val] : a.named) args.dict_ref().set(Value(k), val);
  } else {
    args = Value::tuple(a.positional);
  }
  return Value(percent_format(display(v), args, pos));
}

Value f_wordcount(Evaluator&, const Value& v, Args& a, const SourcePos& pos) {
  ArgReader(a, "wordcount", pos).done();
  return Value(static_cast<int64_t>(py_split(display(v), Value::none(), -1, false, pos).items().size()));
}

const std::unordered_map<std::string, FilterFn>& table() {
  static const std::unordered_map<std::string, FilterFn> kFilters = {
      {"abs", f_abs},         {"attr", f_attr},         {"batch", f_batch},       {"capitalize", f_capitalize}, {"center", f_center}, {"format", f_format},
      {"count", f_length},    {"d", f_default},         {"default", f_default},   {"dictsort", f_dictsort},
      {"e", f_escape},        {"escape", f_escape},     {"first", f_first},       {"float", f_float},
      {"indent", f_indent},   {"int", f_int},           {"items", f_items},       {"join", f_join},
      {"last", f_last},       {"length", f_length},     {"list", f_list},         {"lower", f_lower},
      {"map", f_map},         {"max", f_max},           {"min", f_min},           {"reject", f_reject},
      {"rejectattr", f_rejectattr}, {"replace", f_replace}, {"reverse", f_reverse}, {"round", f_round},
      {"safe", f_safe},       {"select", f_select},     {"selectattr", f_selectattr}, {"sort", f_sort},
      {"string", f_string},   {"sum", f_sum},           {"title", f_title},       {"tojson", f_tojson},
      {"trim", f_trim},       {"unique", f_unique},     {"upper", f_upper},       {"wordcount", f_wordcount},
  };
  return kFilters;
}

}  // namespace

const FilterFn* find_filter(const std::string& name) {
  auto it = table().find(name);
  return it == table().end() ? nullptr : &it->second;
}

}  // namespace ls::chat
