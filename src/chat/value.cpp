#include "chat/value.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "chat/template_error.h"
#include "util/utf8.h"

namespace ls::chat {

// ---- construction ------------------------------------------------------------------------------

Value Value::undefined(std::string hint) {
  Value v;
  if (!hint.empty()) v.s_ = std::make_shared<const std::string>(std::move(hint));
  return v;
}
Value Value::none() {
  Value v;
  v.kind_ = Kind::kNone;
  return v;
}
Value::Value(bool b) : kind_(Kind::kBool), b_(b) {}
Value::Value(int64_t v) : kind_(Kind::kInt), i_(v) {}
Value::Value(double v) : kind_(Kind::kFloat), f_(v) {}
Value::Value(std::string s) : kind_(Kind::kString), s_(std::make_shared<const std::string>(std::move(s))) {}
Value::Value(const char* s) : Value(std::string(s)) {}
Value Value::markup(std::string s) {
  Value v(std::move(s));
  v.b_ = true;
  return v;
}

Value Value::list(ValueList items) {
  Value v;
  v.kind_ = Kind::kList;
  v.list_ = std::make_shared<ValueList>(std::move(items));
  ContainerScope::record(v.list_);
  return v;
}
Value Value::tuple(ValueList items) {
  Value v = list(std::move(items));
  v.kind_ = Kind::kTuple;
  return v;
}
Value Value::dict() {
  Value v;
  v.kind_ = Kind::kDict;
  v.dict_ = std::make_shared<Dict>();
  ContainerScope::record(v.dict_);
  return v;
}
Value Value::ns() {
  Value v = dict();
  v.kind_ = Kind::kNamespace;
  return v;
}
Value Value::callable(std::string name, std::function<Value(Evaluator&, CallArgs&, const SourcePos&)> fn) {
  Value v;
  v.kind_ = Kind::kCallable;
  v.fn_ = std::make_shared<const Callable>(Callable{std::move(name), std::move(fn)});
  return v;
}

const std::string& Value::empty_string() {
  static const std::string kEmpty;
  return kEmpty;
}

double Value::as_double() const {
  switch (kind_) {
    case Kind::kFloat: return f_;
    case Kind::kInt: return static_cast<double>(i_);
    case Kind::kBool: return b_ ? 1.0 : 0.0;
    default: return 0.0;
  }
}

bool Value::same_object(const Value& o) const {
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case Kind::kList:
    case Kind::kTuple: return list_ == o.list_;
    case Kind::kDict:
    case Kind::kNamespace: return dict_ == o.dict_;
    case Kind::kCallable: return fn_ == o.fn_;
    default: return values_equal(*this, o);
  }
}

const void* Value::identity() const {
  if (list_) return list_.get();
  if (dict_) return dict_.get();
  return nullptr;
}

bool Value::truthy() const {
  switch (kind_) {
    case Kind::kUndefined:
    case Kind::kNone: return false;
    case Kind::kBool: return b_;
    case Kind::kInt: return i_ != 0;
    case Kind::kFloat: return f_ != 0.0;
    case Kind::kString: return !s_->empty();
    case Kind::kList:
    case Kind::kTuple: return !list_->empty();
    case Kind::kDict: return dict_->size() != 0;
    case Kind::kNamespace:
    case Kind::kCallable: return true;
  }
  return false;
}

std::string Value::type_name() const {
  switch (kind_) {
    case Kind::kUndefined: return "Undefined";
    case Kind::kNone: return "NoneType";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kFloat: return "float";
    case Kind::kString: return "str";
    case Kind::kList: return "list";
    case Kind::kTuple: return "tuple";
    case Kind::kDict: return "dict";
    case Kind::kNamespace: return "Namespace";
    case Kind::kCallable: return "function";
  }
  return "object";
}

// ---- container scope ----

namespace {
thread_local ContainerScope* g_scope = nullptr;
}  // namespace

ContainerScope::ContainerScope() : outer_(g_scope) { g_scope = this; }

ContainerScope::~ContainerScope() {
  g_scope = outer_;
  // Move contents out before destroying them: clearing may release other recorded containers.
  for (auto& w : lists_)
    if (auto p = w.lock()) ValueList().swap(*p);
  for (auto& w : dicts_)
    if (auto p = w.lock()) Dict().swap(*p);
}

void ContainerScope::prune() {
  std::erase_if(lists_, [](const auto& w) { return w.expired(); });
  std::erase_if(dicts_, [](const auto& w) { return w.expired(); });
  prune_at_ = 2 * (lists_.size() + dicts_.size()) + 1024;
}

void ContainerScope::record(const std::shared_ptr<ValueList>& list) {
  if (g_scope == nullptr) return;
  g_scope->lists_.push_back(list);
  if (g_scope->lists_.size() + g_scope->dicts_.size() > g_scope->prune_at_) g_scope->prune();
}

void ContainerScope::record(const std::shared_ptr<Dict>& dict) {
  if (g_scope == nullptr) return;
  g_scope->dicts_.push_back(dict);
  if (g_scope->lists_.size() + g_scope->dicts_.size() > g_scope->prune_at_) g_scope->prune();
}

// ---- dict ----------------------------------------------------------------------------------------

namespace {

// Python hashes equal numbers equally (1 == 1.0 == True), so they share a key.
std::string key_of(const Value& k) {
  switch (k.kind()) {
    case Value::Kind::kString: return "s" + k.str();
    case Value::Kind::kBool:
    case Value::Kind::kInt: return "i" + std::to_string(k.as_int());
    case Value::Kind::kFloat: {
      const double d = k.as_double();
      if (std::nearbyint(d) == d && std::fabs(d) < 9.2e18) return "i" + std::to_string(static_cast<int64_t>(d));
      return "f" + format_float(d);
    }
    case Value::Kind::kNone: return "n";
    default: return "r" + to_repr(k);
  }
}

}  // namespace

const Value* Dict::find(const Value& key) const {
  auto it = index_.find(key_of(key));
  return it == index_.end() ? nullptr : &entries_[it->second].second;
}
Value* Dict::find(const Value& key) {
  auto it = index_.find(key_of(key));
  return it == index_.end() ? nullptr : &entries_[it->second].second;
}
void Dict::set(const Value& key, Value v) {
  std::string k = key_of(key);
  auto it = index_.find(k);
  if (it != index_.end()) {
    entries_[it->second].second = std::move(v);
    return;
  }
  index_.emplace(std::move(k), entries_.size());
  entries_.emplace_back(key, std::move(v));
}
bool Dict::erase(const Value& key) {
  auto it = index_.find(key_of(key));
  if (it == index_.end()) return false;
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(it->second));
  reindex();
  return true;
}
void Dict::reindex() {
  index_.clear();
  for (size_t i = 0; i < entries_.size(); ++i) index_.emplace(key_of(entries_[i].first), i);
}

// ---- comparison ------------------------------------------------------------------------------------

bool values_equal(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (!a.is_float() && !b.is_float()) return a.as_int() == b.as_int();
    return a.as_double() == b.as_double();
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::kUndefined:
    case Value::Kind::kNone: return true;
    case Value::Kind::kString: return a.str() == b.str();
    case Value::Kind::kList:
    case Value::Kind::kTuple: {
      const auto& x = a.items();
      const auto& y = b.items();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (!values_equal(x[i], y[i])) return false;
      return true;
    }
    case Value::Kind::kDict: {
      if (a.dict_ref().size() != b.dict_ref().size()) return false;
      for (const auto& [k, v] : a.dict_ref().entries()) {
        const Value* other = b.dict_ref().find(k);
        if (other == nullptr || !values_equal(v, *other)) return false;
      }
      return true;
    }
    default: return a.same_object(b);
  }
}

bool values_compare(const Value& a, const Value& b, int& result) {
  if (a.is_number() && b.is_number()) {
    if (!a.is_float() && !b.is_float()) {
      result = a.as_int() < b.as_int() ? -1 : (a.as_int() > b.as_int() ? 1 : 0);
    } else {
      const double x = a.as_double(), y = b.as_double();
      result = x < y ? -1 : (x > y ? 1 : 0);
    }
    return true;
  }
  if (a.is_string() && b.is_string()) {
    // UTF-8 byte order is code point order, which is what Python compares.
    const int c = a.str().compare(b.str());
    result = c < 0 ? -1 : (c > 0 ? 1 : 0);
    return true;
  }
  if ((a.is_list() && b.is_list()) || (a.is_tuple() && b.is_tuple())) {
    const auto& x = a.items();
    const auto& y = b.items();
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (values_equal(x[i], y[i])) continue;
      return values_compare(x[i], y[i], result);
    }
    result = x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
    return true;
  }
  return false;
}

// ---- printing ----------------------------------------------------------------------------------------

std::string format_float(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  // Shortest digits that read back to the same double, as Python's repr chooses.
  char buf[64];
  int prec = 0;
  for (; prec < 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*e", prec, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  std::snprintf(buf, sizeof buf, "%.*e", prec, d);
  std::string s(buf);
  const bool neg = s[0] == '-';
  if (neg) s.erase(0, 1);
  const size_t e = s.find('e');
  const int exp10 = std::atoi(s.c_str() + e + 1);
  std::string digits;
  for (size_t i = 0; i < e; ++i)
    if (s[i] != '.') digits += s[i];
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out;
  if (exp10 >= -5 + 1 && exp10 < 16) {
    if (exp10 < 0) {
      out = "0." + std::string(static_cast<size_t>(-exp10 - 1), '0') + digits;
    } else {
      const size_t int_len = static_cast<size_t>(exp10) + 1;
      if (digits.size() <= int_len) {
        out = digits + std::string(int_len - digits.size(), '0') + ".0";
      } else {
        out = digits.substr(0, int_len) + "." + digits.substr(int_len);
      }
    }
  } else {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
    out += eb;
  }
  return neg ? "-" + out : out;
}

namespace {

void append_repr_string(std::string& out, const std::string& s) {
  const bool has_single = s.find('\'') != std::string::npos;
  const bool has_double = s.find('"') != std::string::npos;
  const char q = has_single && !has_double ? '"' : '\'';
  out += q;
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c == static_cast<unsigned char>(q)) {
          out += '\\';
          out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7f) {
          char b[8];
          std::snprintf(b, sizeof b, "\\x%02x", c);
          out += b;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += q;
}

struct Printer {
  std::string& out;
  std::vector<const void*> active;  // containers being printed (cycle detection)

  void check() const {
    if (out.size() > kMaxPrintedBytes)
      throw TemplateError(TemplateError::Kind::kLimit, SourcePos{0, 0},
                          "printing a value would exceed " + std::to_string(kMaxPrintedBytes) + " bytes");
  }

  void items(const ValueList& xs) {
    for (size_t i = 0; i < xs.size(); ++i) {
      if (i) out += ", ";
      repr(xs[i]);
    }
  }

  void dict(const Dict& d) {
    out += '{';
    bool first = true;
    for (const auto& [k, v] : d.entries()) {
      if (!first) out += ", ";
      first = false;
      repr(k);
      out += ": ";
      repr(v);
    }
    out += '}';
  }

  void repr(const Value& v) {
    check();
    const void* id = v.identity();
    if (id != nullptr) {
      if (std::find(active.begin(), active.end(), id) != active.end()) {
        out += v.is_dict() || v.is_namespace() ? "{...}" : "[...]";
        return;
      }
      if (active.size() > 200) throw TemplateError(TemplateError::Kind::kLimit, SourcePos{0, 0}, "value nested too deeply to print");
      active.push_back(id);
    }
    switch (v.kind()) {
      case Value::Kind::kString: append_repr_string(out, v.str()); break;
      case Value::Kind::kList:
        out += '[';
        items(v.items());
        out += ']';
        break;
      case Value::Kind::kTuple:
        out += '(';
        items(v.items());
        if (v.items().size() == 1) out += ',';
        out += ')';
        break;
      case Value::Kind::kDict: dict(v.dict_ref()); break;
      case Value::Kind::kNamespace:
        out += "<Namespace ";
        dict(v.dict_ref());
        out += '>';
        break;
      default: out += to_display_string(v);
    }
    if (id != nullptr) active.pop_back();
  }
};

}  // namespace

std::string to_display_string(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kUndefined: return "";
    case Value::Kind::kNone: return "None";
    case Value::Kind::kBool: return v.as_bool() ? "True" : "False";
    case Value::Kind::kInt: return std::to_string(v.as_int());
    case Value::Kind::kFloat: return format_float(v.as_double());
    case Value::Kind::kString: return v.str();
    case Value::Kind::kCallable: return "<function " + v.fn().name + ">";
    default: {
      std::string out;
      Printer{out, {}}.repr(v);
      return out;
    }
  }
}

std::string to_repr(const Value& v) {
  if (v.is_undefined()) return "Undefined";
  std::string out;
  Printer{out, {}}.repr(v);
  return out;
}

// ---- JSON ----------------------------------------------------------------------------------------------

namespace {

void append_json_string(std::string& out, const std::string& s, bool ensure_ascii) {
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
          if (c < 0x20 || (ensure_ascii && c == 0x7f)) {
            char b[8];
            std::snprintf(b, sizeof b, "\\u%04x", c);
            out += b;
          } else {
            out += static_cast<char>(c);
          }
      }
      continue;
    }
    if (!ensure_ascii) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    char32_t cp = utf8::decode_one(s, i);
    char b[16];
    if (cp >= 0x10000) {
      cp -= 0x10000;
      std::snprintf(b, sizeof b, "\\u%04x\\u%04x", static_cast<unsigned>(0xD800 + (cp >> 10)),
                    static_cast<unsigned>(0xDC00 + (cp & 0x3FF)));
    } else {
      std::snprintf(b, sizeof b, "\\u%04x", static_cast<unsigned>(cp));
    }
    out += b;
  }
  out += '"';
}

struct JsonWriter {
  const JsonDumpOptions& opt;
  std::string& out;
  std::string& error;
  std::vector<const void*> active;

  void newline(int level) {
    out += '\n';
    for (int i = 0; i < level; ++i) out += opt.indent_str;
  }
  bool write(const Value& v, int level) {
    if (level > 200) {
      error = "structure too deeply nested for tojson";
      return false;
    }
    if (out.size() > kMaxPrintedBytes) {
      error = "output would exceed " + std::to_string(kMaxPrintedBytes) + " bytes";
      return false;
    }
    const void* id = v.identity();
    if (id != nullptr) {
      if (std::find(active.begin(), active.end(), id) != active.end()) {
        error = "Circular reference detected";
        return false;
      }
      active.push_back(id);
    }
    const bool ok = write_value(v, level);
    if (id != nullptr) active.pop_back();
    return ok;
  }

  bool write_value(const Value& v, int level) {
    const bool pretty = opt.indent >= 0;
    switch (v.kind()) {
      case Value::Kind::kNone: out += "null"; return true;
      case Value::Kind::kBool: out += v.as_bool() ? "true" : "false"; return true;
      case Value::Kind::kInt: out += std::to_string(v.as_int()); return true;
      case Value::Kind::kFloat: {
        const double d = v.as_double();
        if (std::isnan(d)) out += "NaN";
        else if (std::isinf(d)) out += d < 0 ? "-Infinity" : "Infinity";
        else out += format_float(d);
        return true;
      }
      case Value::Kind::kString: append_json_string(out, v.str(), opt.ensure_ascii); return true;
      case Value::Kind::kList:
      case Value::Kind::kTuple: {
        const auto& items = v.items();
        if (items.empty()) {
          out += "[]";
          return true;
        }
        out += '[';
        for (size_t i = 0; i < items.size(); ++i) {
          if (i) out += opt.item_sep;
          if (pretty) newline(level + 1);
          if (!write(items[i], level + 1)) return false;
        }
        if (pretty) newline(level);
        out += ']';
        return true;
      }
      case Value::Kind::kDict: {
        std::vector<std::pair<std::string, const Value*>> entries;
        for (const auto& [k, val] : v.dict_ref().entries()) {
          std::string key;
          if (k.is_string()) key = k.str();
          else if (k.is_bool()) key = k.as_bool() ? "true" : "false";
          else if (k.is_none()) key = "null";
          else if (k.is_int() || k.is_float()) key = to_display_string(k);
          else {
            error = "keys must be str, int, float, bool or None, not " + k.type_name();
            return false;
          }
          entries.emplace_back(std::move(key), &val);
        }
        if (opt.sort_keys)
          std::stable_sort(entries.begin(), entries.end(),
                           [](const auto& a, const auto& b) { return a.first < b.first; });
        if (entries.empty()) {
          out += "{}";
          return true;
        }
        out += '{';
        for (size_t i = 0; i < entries.size(); ++i) {
          if (i) out += opt.item_sep;
          if (pretty) newline(level + 1);
          append_json_string(out, entries[i].first, opt.ensure_ascii);
          out += opt.key_sep;
          if (!write(*entries[i].second, level + 1)) return false;
        }
        if (pretty) newline(level);
        out += '}';
        return true;
      }
      default:
        error = "Object of type " + v.type_name() + " is not JSON serializable";
        return false;
    }
  }
};

}  // namespace

bool to_json_text(const Value& v, const JsonDumpOptions& opt, std::string& out, std::string& error) {
  JsonWriter w{opt, out, error, {}};
  return w.write(v, 0);
}

Value from_json(const nlohmann::ordered_json& j) {
  switch (j.type()) {
    case nlohmann::ordered_json::value_t::null: return Value::none();
    case nlohmann::ordered_json::value_t::boolean: return Value(j.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer: return Value(j.get<int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned: {
      const uint64_t u = j.get<uint64_t>();
      if (u <= static_cast<uint64_t>(INT64_MAX)) return Value(static_cast<int64_t>(u));
      return Value(static_cast<double>(u));
    }
    case nlohmann::ordered_json::value_t::number_float: return Value(j.get<double>());
    case nlohmann::ordered_json::value_t::string: return Value(j.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
      ValueList items;
      items.reserve(j.size());
      for (const auto& e : j) items.push_back(from_json(e));
      return Value::list(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object: {
      Value d = Value::dict();
      for (auto it = j.begin(); it != j.end(); ++it) d.dict_ref().set(Value(it.key()), from_json(it.value()));
      return d;
    }
    default: return Value::none();
  }
}

}  // namespace ls::chat
