// The built-in library a template sees: filters, tests, methods of str/list/dict, and globals
// (range, namespace, dict, raise_exception, strftime_now). Each is a table entry, so supporting
// another one is a single function plus a row.
#pragma once

#include <string>
#include <vector>

#include "chat/template_error.h"
#include "chat/value.h"

namespace ls::chat {

class Evaluator;

using FilterFn = Value (*)(Evaluator&, const Value& operand, CallArgs& args, const SourcePos& pos);
using TestFn = bool (*)(Evaluator&, const Value& v, CallArgs& args, const SourcePos& pos);

const FilterFn* find_filter(const std::string& name);
const TestFn* find_test(const std::string& name);
// A bound method of str, list or dict (as a callable), or undefined when there is none.
Value find_method(const Value& obj, const std::string& name);
// Globals available to every template (the render context may shadow them).
std::vector<std::pair<std::string, Value>> builtin_globals();

// Reads positional/keyword arguments by position or name, as Python binds them, and complains
// about missing, unknown or surplus ones naming the function.
class ArgReader {
 public:
  ArgReader(CallArgs& args, std::string function, const SourcePos& pos)
      : args_(args), fn_(std::move(function)), pos_(pos) {}
  // Argument number `index` (0-based) or keyword `name`; `fallback` if absent.
  Value get(size_t index, const char* name, Value fallback = Value());
  Value require(size_t index, const char* name);
  // Fails on any argument no get()/require() asked for.
  void done();

 private:
  CallArgs& args_;
  std::string fn_;
  SourcePos pos_;
  size_t max_index_ = 0;
  std::vector<std::string> names_;
};

// Code-point helpers for Python string semantics over UTF-8.
std::u32string to_u32(const std::string& s);
std::string from_u32(const std::u32string& s);
int64_t py_len(const Value& v, const SourcePos& pos);
std::string py_strip(const std::string& s, const Value& chars, bool left, bool right);
Value py_split(const std::string& s, const Value& sep, int64_t maxsplit, bool from_right, const SourcePos& pos);
// Fails with a limit error once the result would pass max_bytes.
std::string py_replace(const std::string& s, const std::string& from, const std::string& to, int64_t count,
                       size_t max_bytes, const SourcePos& pos);
std::string html_escape(const std::string& s);
// Python's str.upper()/lower(): full Unicode case mapping.
std::string to_upper(std::string s);
std::string to_lower(std::string s);
// Python printf-style formatting ('%s and %d' % args, the |format filter).
std::string percent_format(const std::string& fmt, const Value& args, const SourcePos& pos);
// Error helper: "<fn>: expected <what>, got <type>".
[[noreturn]] void fail_type(const SourcePos& pos, const std::string& fn, const std::string& what, const Value& got);

}  // namespace ls::chat
