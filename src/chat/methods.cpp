// Python methods of str, list and dict that templates call (`content.split('</think>')[-1]`,
// `message.get('x')`, `ns.items.append(y)`), bound to their object on attribute access.
#include <algorithm>
#include <unordered_map>

#include "chat/builtins.h"
#include "chat/evaluator.h"

namespace ls::chat {
namespace {

using Method = Value (*)(Evaluator&, const Value& self, CallArgs& args, const SourcePos& pos);

const std::string& str_arg(const Value& v, const char* fn, const SourcePos& pos) {
  if (!v.is_string()) fail_type(pos, fn, "a string", v);
  return v.str();
}

// ---- str ----

Value s_strip_impl(const Value& self, CallArgs& a, const SourcePos& pos, const char* name, bool l, bool r) {
  ArgReader ar(a, name, pos);
  const Value chars = ar.get(0, "chars", Value::none());
  ar.done();
  if (!chars.is_none() && !chars.is_string()) fail_type(pos, name, "a string or None", chars);
  return Value(py_strip(self.str(), chars, l, r));
}
Value s_strip(Evaluator&, const Value& s, CallArgs& a, const SourcePos& p) { return s_strip_impl(s, a, p, "strip", true, true); }
Value s_lstrip(Evaluator&, const Value& s, CallArgs& a, const SourcePos& p) { return s_strip_impl(s, a, p, "lstrip", true, false); }
Value s_rstrip(Evaluator&, const Value& s, CallArgs& a, const SourcePos& p) { return s_strip_impl(s, a, p, "rstrip", false, true); }

Value s_split_impl(const Value& self, CallArgs& a, const SourcePos& pos, bool right) {
  ArgReader ar(a, right ? "rsplit" : "split", pos);
  const Value sep = ar.get(0, "sep", Value::none());
  const Value maxsplit = ar.get(1, "maxsplit", Value(-1));
  ar.done();
  return py_split(self.str(), sep, maxsplit.as_int(), right, pos);
}
Value s_split(Evaluator&, const Value& s, CallArgs& a, const SourcePos& p) { return s_split_impl(s, a, p, false); }
Value s_rsplit(Evaluator&, const Value& s, CallArgs& a, const SourcePos& p) { return s_split_impl(s, a, p, true); }

Value s_splitlines(Evaluator&, const Value& s, CallArgs& a, const SourcePos& pos) {
  ArgReader(a, "splitlines", pos).done();
  ValueList out;
  const std::string& str = s.str();
  size_t start = 0;
  while (start < str.size()) {
    size_t nl = str.find_first_of("\r\n", start);
    if (nl == std::string::npos) {
      out.emplace_back(str.substr(start));
      break;
    }
    out.emplace_back(str.substr(start, nl - start));
    start = nl + (str.compare(nl, 2, "\r\n") == 0 ? 2 : 1);
  }
  return Value::list(std::move(out));
}

Value s_affix_impl(const Value& self, CallArgs& a, const SourcePos& pos, bool prefix) {
  const char* name = prefix ? "startswith" : "endswith";
  ArgReader ar(a, name, pos);
  const Value what = ar.require(0, prefix ? "prefix" : "suffix");
  ar.done();
  auto test = [&](const std::string& x) {
    const std::string& s = self.str();
    if (x.size() > s.size()) return false;
    return prefix ? s.compare(0, x.size(), x) == 0 : s.compare(s.size() - x.size(), x.size(), x) == 0;
  };
  if (what.is_sequence()) {
    for (const Value& x : what.items())
      if (test(str_arg(x, name, pos))) return Value(true);
    return Value(false);
  }
  return Value(test(str_arg(what, name, pos)));
}
Value s_startswith(Evaluator&, const Value& s, CallArgs& a, const SourcePos& p) { return s_affix_impl(s, a, p, true); }
Value s_endswith(Evaluator&, const Value& s, CallArgs& a, const SourcePos& p) { return s_affix_impl(s, a, p, false); }

Value s_upper(Evaluator& ev, const Value& s, CallArgs& a, const SourcePos& p) { return ev.apply_filter("upper", s, a, p); }
Value s_lower(Evaluator& ev, const Value& s, CallArgs& a, const SourcePos& p) { return ev.apply_filter("lower", s, a, p); }
Value s_title(Evaluator& ev, const Value& s, CallArgs& a, const SourcePos& p) { return ev.apply_filter("title", s, a, p); }
Value s_capitalize(Evaluator& ev, const Value& s, CallArgs& a, const SourcePos& p) { return ev.apply_filter("capitalize", s, a, p); }

Value s_replace(Evaluator& ev, const Value& s, CallArgs& a, const SourcePos& pos) {
  ArgReader ar(a, "replace", pos);
  const std::string& from = str_arg(ar.require(0, "old"), "replace", pos);
  const std::string& to = str_arg(ar.require(1, "new"), "replace", pos);
  const int64_t count = ar.get(2, "count", Value(-1)).as_int();
  ar.done();
  std::string out = py_replace(s.str(), from, to, count, ev.options().limits.max_output_bytes, pos);
  ev.check_size(out.size(), pos);
  return Value(std::move(out));
}

// Offsets in code points, as Python reports them.
int64_t cp_offset(const std::string& s, size_t byte_offset) {
  return static_cast<int64_t>(to_u32(s.substr(0, byte_offset)).size());
}

Value s_find_impl(const Value& self, CallArgs& a, const SourcePos& pos, bool right) {
  ArgReader ar(a, right ? "rfind" : "find", pos);
  const std::string& sub = str_arg(ar.require(0, "sub"), "find", pos);
  ar.done();
  const size_t at = right ? self.str().rfind(sub) : self.str().find(sub);
  return Value(at == std::string::npos ? int64_t{-1} : cp_offset(self.str(), at));
}
Value s_find(Evaluator&, const Value& s, CallArgs& a, const SourcePos& p) { return s_find_impl(s, a, p, false); }
Value s_rfind(Evaluator&, const Value& s, CallArgs& a, const SourcePos& p) { return s_find_impl(s, a, p, true); }

Value s_count(Evaluator&, const Value& s, CallArgs& a, const SourcePos& pos) {
  ArgReader ar(a, "count", pos);
  const std::string& sub = str_arg(ar.require(0, "sub"), "count", pos);
  ar.done();
  if (sub.empty()) return Value(static_cast<int64_t>(to_u32(s.str()).size()) + 1);
  int64_t n = 0;
  for (size_t at = s.str().find(sub); at != std::string::npos; at = s.str().find(sub, at + sub.size())) ++n;
  return Value(n);
}

Value s_join(Evaluator& ev, const Value& s, CallArgs& a, const SourcePos& pos) {
  ArgReader ar(a, "join", pos);
  const Value items = ar.require(0, "iterable");
  ar.done();
  std::string out;
  bool first = true;
  for (const Value& item : ev.iterate(items, pos)) {
    if (!first) out += s.str();
    first = false;
    out += str_arg(item, "join", pos);
    ev.check_size(out.size(), pos);
  }
  return Value(std::move(out));
}

// str.format with {} / {0} / {name} fields (no format specs or conversions).
Value s_format(Evaluator& ev, const Value& s, CallArgs& a, const SourcePos& pos) {
  const std::string& f = s.str();
  std::string out;
  size_t auto_index = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    const char c = f[i];
    if (c == '}' && i + 1 < f.size() && f[i + 1] == '}') {
      out += '}';
      ++i;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < f.size() && f[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    const size_t close = f.find('}', i);
    if (close == std::string::npos) fail_runtime(pos, "format: single '{' in the format string");
    const std::string field = f.substr(i + 1, close - i - 1);
    if (field.find_first_of(":!.[") != std::string::npos)
      fail_runtime(pos, "format: field '{" + field + "}' uses a format spec or conversion, which is not supported");
    Value v;
    if (field.empty() || std::all_of(field.begin(), field.end(), [](char d) { return d >= '0' && d <= '9'; })) {
      const size_t idx = field.empty() ? auto_index++ : static_cast<size_t>(std::stoul(field));
      if (idx >= a.positional.size()) fail_runtime(pos, "format: replacement index " + std::to_string(idx) + " out of range");
      v = a.positional[idx];
    } else {
      bool found = false;
      for (auto& [k, val] : a.named)
        if (k == field) {
          v = val;
          found = true;
        }
      if (!found) fail_runtime(pos, "format: no argument named '" + field + "'");
    }
    out += to_display_string(v);
    ev.check_size(out.size(), pos);
    i = close;
  }
  return Value(std::move(out));
}

template <bool (*Pred)(char32_t)>
Value s_is(Evaluator&, const Value& s, CallArgs& a, const SourcePos& pos) {
  ArgReader(a, "is*", pos).done();
  const std::u32string u = to_u32(s.str());
  if (u.empty()) return Value(false);
  return Value(std::all_of(u.begin(), u.end(), Pred));
}
bool is_digit32(char32_t c) { return c >= '0' && c <= '9'; }
bool is_alpha32(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80; }
bool is_alnum32(char32_t c) { return is_digit32(c) || is_alpha32(c); }
bool is_space32(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// ---- list ----

Value l_append(Evaluator& ev, const Value& self, CallArgs& a, const SourcePos& pos) {
  ArgReader ar(a, "append", pos);
  const Value v = ar.require(0, "object");
  ar.done();
  ev.check_size(self.items().size() + 1, pos);
  self.items().push_back(v);
  return Value::none();
}

Value l_extend(Evaluator& ev, const Value& self, CallArgs& a, const SourcePos& pos) {
  ArgReader ar(a, "extend", pos);
  const ValueList more = ev.iterate(ar.require(0, "iterable"), pos);
  ar.done();
  ev.check_size(self.items().size() + more.size(), pos);
  self.items().insert(self.items().end(), more.begin(), more.end());
  return Value::none();
}

Value l_insert(Evaluator& ev, const Value& self, CallArgs& a, const SourcePos& pos) {
  ArgReader ar(a, "insert", pos);
  int64_t i = ar.require(0, "index").as_int();
  const Value v = ar.require(1, "object");
  ar.done();
  const int64_t n = static_cast<int64_t>(self.items().size());
  if (i < 0) i = std::max<int64_t>(0, i + n);
  i = std::min(i, n);
  ev.check_size(self.items().size() + 1, pos);
  self.items().insert(self.items().begin() + i, v);
  return Value::none();
}

Value l_pop(Evaluator&, const Value& self, CallArgs& a, const SourcePos& pos) {
  ArgReader ar(a, "pop", pos);
  int64_t i = ar.get(0, "index", Value(-1)).as_int();
  ar.done();
  ValueList& items = self.items();
  const int64_t n = static_cast<int64_t>(items.size());
  if (i < 0) i += n;
  if (i < 0 || i >= n) fail_runtime(pos, n == 0 ? "pop from empty list" : "pop index out of range");
  Value v = items[static_cast<size_t>(i)];
  items.erase(items.begin() + i);
  return v;
}

Value l_index(Evaluator&, const Value& self, CallArgs& a, const SourcePos& pos) {
  ArgReader ar(a, "index", pos);
  const Value v = ar.require(0, "value");
  ar.done();
  for (size_t i = 0; i < self.items().size(); ++i)
    if (values_equal(self.items()[i], v)) return Value(static_cast<int64_t>(i));
  fail_runtime(pos, to_repr(v) + " is not in list");
}

Value l_count(Evaluator&, const Value& self, CallArgs& a, const SourcePos& pos) {
  ArgReader ar(a, "count", pos);
  const Value v = ar.require(0, "value");
  ar.done();
  return Value(static_cast<int64_t>(std::count_if(self.items().begin(), self.items().end(),
                                                  [&](const Value& x) { return values_equal(x, v); })));
}

Value l_reverse(Evaluator&, const Value& self, CallArgs& a, const SourcePos& pos) {
  ArgReader(a, "reverse", pos).done();
  std::reverse(self.items().begin(), self.items().end());
  return Value::none();
}

Value l_copy(Evaluator&, const Value& self, CallArgs& a, const SourcePos& pos) {
  ArgReader(a, "copy", pos).done();
  return Value::list(self.items());
}

// ---- dict ----

Value d_items(Evaluator& ev, const Value& self, CallArgs& a, const SourcePos& pos) { return ev.apply_filter("items", self, a, pos); }

Value d_keys(Evaluator&, const Value& self, CallArgs& a, const SourcePos& pos) {
  ArgReader(a, "keys", pos).done();
  ValueList out;
  for (const auto& [k, v] : self.dict_ref().entries()) out.push_back(k);
  return Value::list(std::move(out));
}

Value d_values(Evaluator&, const Value& self, CallArgs& a, const SourcePos& pos) {
  ArgReader(a, "values", pos).done();
  ValueList out;
  for (const auto& [k, v] : self.dict_ref().entries()) out.push_back(v);
  return Value::list(std::move(out));
}

Value d_get(Evaluator&, const Value& self, CallArgs& a, const SourcePos& pos) {
  ArgReader ar(a, "get", pos);
  const Value key = ar.require(0, "key");
  const Value fallback = ar.get(1, "default", Value::none());
  ar.done();
  const Value* v = self.dict_ref().find(key);
  return v != nullptr ? *v : fallback;
}

Value d_pop(Evaluator&, const Value& self, CallArgs& a, const SourcePos& pos) {
  ArgReader ar(a, "pop", pos);
  const Value key = ar.require(0, "key");
  const bool has_default = a.positional.size() > 1;
  const Value fallback = ar.get(1, "default");
  ar.done();
  const Value* v = self.dict_ref().find(key);
  if (v == nullptr) {
    if (has_default) return fallback;
    fail_runtime(pos, "KeyError: " + to_repr(key));
  }
  Value out = *v;
  self.dict_ref().erase(key);
  return out;
}

Value d_setdefault(Evaluator&, const Value& self, CallArgs& a, const SourcePos& pos) {
  ArgReader ar(a, "setdefault", pos);
  const Value key = ar.require(0, "key");
  const Value fallback = ar.get(1, "default", Value::none());
  ar.done();
  if (const Value* v = self.dict_ref().find(key)) return *v;
  self.dict_ref().set(key, fallback);
  return fallback;
}

Value d_update(Evaluator&, const Value& self, CallArgs& a, const SourcePos& pos) {
  if (a.positional.size() > 1) fail_runtime(pos, "update() takes at most 1 positional argument");
  if (!a.positional.empty()) {
    if (!a.positional[0].is_dict()) fail_type(pos, "update", "a dict", a.positional[0]);
    for (const auto& [k, v] : a.positional[0].dict_ref().entries()) self.dict_ref().set(k, v);
  }
  for (auto& [k, v] : a.named) self.dict_ref().set(Value(k), v);
  return Value::none();
}

Value d_copy(Evaluator&, const Value& self, CallArgs& a, const SourcePos& pos) {
  ArgReader(a, "copy", pos).done();
  Value out = Value::dict();
  for (const auto& [k, v] : self.dict_ref().entries()) out.dict_ref().set(k, v);
  return out;
}

using Table = std::unordered_map<std::string, Method>;

const Table& string_methods() {
  static const Table t = {
      {"strip", s_strip},         {"lstrip", s_lstrip},       {"rstrip", s_rstrip},
      {"split", s_split},         {"rsplit", s_rsplit},       {"splitlines", s_splitlines},
      {"startswith", s_startswith}, {"endswith", s_endswith}, {"upper", s_upper},
      {"lower", s_lower},         {"title", s_title},         {"capitalize", s_capitalize},
      {"replace", s_replace},     {"find", s_find},           {"rfind", s_rfind},
      {"count", s_count},         {"join", s_join},           {"format", s_format},
      {"isdigit", s_is<is_digit32>}, {"isalpha", s_is<is_alpha32>}, {"isalnum", s_is<is_alnum32>},
      {"isspace", s_is<is_space32>},
  };
  return t;
}

const Table& list_methods() {
  static const Table t = {
      {"append", l_append}, {"extend", l_extend},   {"insert", l_insert}, {"pop", l_pop},
      {"index", l_index},   {"count", l_count},     {"reverse", l_reverse}, {"copy", l_copy},
  };
  return t;
}

const Table& tuple_methods() {
  static const Table t = {{"index", l_index}, {"count", l_count}};
  return t;
}

const Table& dict_methods() {
  static const Table t = {
      {"items", d_items}, {"keys", d_keys},     {"values", d_values},         {"get", d_get},
      {"pop", d_pop},     {"update", d_update}, {"setdefault", d_setdefault}, {"copy", d_copy},
  };
  return t;
}

}  // namespace

Value find_method(const Value& obj, const std::string& name) {
  const Table* table = nullptr;
  if (obj.is_string()) table = &string_methods();
  else if (obj.is_list()) table = &list_methods();
  else if (obj.is_tuple()) table = &tuple_methods();
  else if (obj.is_dict()) table = &dict_methods();
  if (table == nullptr) return Value();
  auto it = table->find(name);
  if (it == table->end()) return Value();
  const Method m = it->second;
  return Value::callable(obj.type_name() + "." + name, [m, obj](Evaluator& ev, CallArgs& args, const SourcePos& pos) {
    return m(ev, obj, args, pos);
  });
}

}  // namespace ls::chat
