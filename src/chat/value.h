// The values a template computes with, modelled on the Python objects Jinja2 hands around:
// undefined, None, bool, int, float, str, list, tuple, dict (insertion-ordered), namespace and
// callables. Lists, dicts and namespaces are shared by reference, as in Python, so that
// `ns.items.append(x)` or `set ns.x = …` is seen through every name bound to the object.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ls::chat {

class Value;
class Evaluator;
struct SourcePos;

using ValueList = std::vector<Value>;

// Arguments of a call as written: positional, then keyword (in source order).
struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> named;
};

// A built-in function, bound method, filter adaptor or macro.
struct Callable {
  std::string name;
  std::function<Value(Evaluator&, CallArgs&, const SourcePos&)> fn;
};

class Dict;

class Value {
 public:
  enum class Kind { kUndefined, kNone, kBool, kInt, kFloat, kString, kList, kTuple, kDict, kNamespace, kCallable };

  Value() = default;  // undefined
  static Value undefined(std::string hint = {});
  static Value none();
  Value(bool b);                 // NOLINT(google-explicit-constructor)
  Value(int v) : Value(static_cast<int64_t>(v)) {}  // NOLINT
  Value(int64_t v);              // NOLINT
  Value(double v);               // NOLINT
  Value(std::string s);          // NOLINT
  Value(const char* s);          // NOLINT
  // A markupsafe.Markup string (from |safe, |escape): `+` with a plain string HTML-escapes the
  // plain one, as Python's Markup.__add__/__radd__ do.
  static Value markup(std::string s);
  static Value list(ValueList items = {});
  static Value tuple(ValueList items);
  static Value dict();
  static Value ns();             // a Jinja namespace() object
  static Value callable(std::string name,
                        std::function<Value(Evaluator&, CallArgs&, const SourcePos&)> fn);

  Kind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == Kind::kUndefined; }
  bool is_none() const { return kind_ == Kind::kNone; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_int() const { return kind_ == Kind::kInt; }
  bool is_float() const { return kind_ == Kind::kFloat; }
  bool is_number() const { return kind_ == Kind::kInt || kind_ == Kind::kFloat || kind_ == Kind::kBool; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_list() const { return kind_ == Kind::kList; }
  bool is_tuple() const { return kind_ == Kind::kTuple; }
  bool is_sequence() const { return kind_ == Kind::kList || kind_ == Kind::kTuple; }
  bool is_dict() const { return kind_ == Kind::kDict; }
  bool is_namespace() const { return kind_ == Kind::kNamespace; }
  bool is_callable() const { return kind_ == Kind::kCallable; }
  bool is_markup() const { return kind_ == Kind::kString && b_; }

  bool as_bool() const { return b_; }  // kBool only (for strings it is the markup flag)
  int64_t as_int() const { return kind_ == Kind::kBool ? (b_ ? 1 : 0) : i_; }
  double as_double() const;  // int, bool or float
  const std::string& str() const { return *s_; }
  const std::string& undefined_hint() const { return s_ ? *s_ : empty_string(); }
  ValueList& items() const { return *list_; }      // list or tuple
  Dict& dict_ref() const { return *dict_; }       // dict or namespace
  const Callable& fn() const { return *fn_; }
  bool same_object(const Value& o) const;
  // The shared container behind a list/tuple/dict/namespace (for cycle detection), else null.
  const void* identity() const;

  // Python truthiness.
  bool truthy() const;
  // Python type name, for error messages ("str", "int", "dict", …).
  std::string type_name() const;

 private:
  static const std::string& empty_string();
  Kind kind_ = Kind::kUndefined;
  bool b_ = false;
  int64_t i_ = 0;
  double f_ = 0;
  std::shared_ptr<const std::string> s_;  // string, or the undefined hint
  std::shared_ptr<ValueList> list_;
  std::shared_ptr<Dict> dict_;
  std::shared_ptr<const Callable> fn_;
};

// Insertion-ordered mapping with hashed lookup. Keys are compared as Python does for the key
// types templates use (str, int/bool/float that equal ints, None).
class Dict {
 public:
  const Value* find(const Value& key) const;
  Value* find(const Value& key);
  const Value* find(const std::string& key) const { return find(Value(key)); }
  void set(const Value& key, Value v);
  bool erase(const Value& key);
  size_t size() const { return entries_.size(); }
  const std::vector<std::pair<Value, Value>>& entries() const { return entries_; }
  void swap(Dict& other) noexcept {
    entries_.swap(other.entries_);
    index_.swap(other.index_);
  }

 private:
  void reindex();
  std::vector<std::pair<Value, Value>> entries_;
  std::unordered_map<std::string, size_t> index_;
};

// Lists and dicts are reference-counted, so a template that puts a container inside itself
// (`l.append(l)`, `d.update(f=d.get)`) would leak it. While a ContainerScope is alive, every
// list/dict/namespace created on this thread is recorded, and when the scope ends those still
// alive are emptied, which breaks any cycle. Renders open one; values made inside must not be
// used after it ends (rendering returns only a string).
class ContainerScope {
 public:
  ContainerScope();
  ~ContainerScope();
  ContainerScope(const ContainerScope&) = delete;
  ContainerScope& operator=(const ContainerScope&) = delete;
  static void record(const std::shared_ptr<ValueList>& list);
  static void record(const std::shared_ptr<Dict>& dict);

 private:
  void prune();
  std::vector<std::weak_ptr<ValueList>> lists_;
  std::vector<std::weak_ptr<Dict>> dicts_;
  size_t prune_at_ = 1024;
  ContainerScope* outer_;
};

// Python semantics of the operations the evaluator and the filters share.
bool values_equal(const Value& a, const Value& b);
// -1, 0, 1; false when the types cannot be ordered (Python raises TypeError).
bool values_compare(const Value& a, const Value& b, int& result);
// Printing a value never produces more than this many bytes: containers shared many times over
// could otherwise expand exponentially. Exceeding it raises a template limit error.
constexpr size_t kMaxPrintedBytes = 32u << 20;

// str(v) as Python prints it (used for {{ v }}, `~`, |string). A container inside itself prints
// as [...] / {...}, as in Python.
std::string to_display_string(const Value& v);
// repr(v) as Python prints it (strings quoted).
std::string to_repr(const Value& v);
// Python float repr: shortest round-trip, "1.0", "1e+16", "inf", "nan".
std::string format_float(double d);

// json.dumps(v, ensure_ascii, indent, separators, sort_keys). Fails (returns false, fills error)
// on values JSON cannot hold (undefined, callables).
struct JsonDumpOptions {
  bool ensure_ascii = false;
  int indent = -1;  // -1: none
  std::string indent_str;
  bool has_separators = false;
  std::string item_sep = ", ";
  std::string key_sep = ": ";
  bool sort_keys = false;
};
bool to_json_text(const Value& v, const JsonDumpOptions& opt, std::string& out, std::string& error);

// Conversion from JSON data (ordered keys are kept as given).
Value from_json(const nlohmann::ordered_json& j);

}  // namespace ls::chat
