// Global functions: Jinja2's range/namespace/dict and the two Hugging Face adds for chat
// templates, raise_exception(message) and strftime_now(format).
#include <ctime>

#include "chat/builtins.h"
#include "chat/evaluator.h"

namespace ls::chat {
namespace {

Value g_range(Evaluator& ev, CallArgs& a, const SourcePos& pos) {
  if (!a.named.empty()) fail_runtime(pos, "range() takes no keyword arguments");
  if (a.positional.empty() || a.positional.size() > 3) fail_runtime(pos, "range() takes 1 to 3 arguments");
  for (const Value& v : a.positional)
    if (!v.is_int() && !v.is_bool()) fail_type(pos, "range", "integer arguments", v);
  int64_t start = 0, stop, step = 1;
  if (a.positional.size() == 1) {
    stop = a.positional[0].as_int();
  } else {
    start = a.positional[0].as_int();
    stop = a.positional[1].as_int();
    if (a.positional.size() == 3) step = a.positional[2].as_int();
  }
  if (step == 0) fail_runtime(pos, "range() arg 3 must not be zero");
  // Count first (in floating point: no overflow) so a huge range fails before allocating.
  const double count = step > 0 ? (static_cast<double>(stop) - static_cast<double>(start)) / static_cast<double>(step)
                                 : (static_cast<double>(start) - static_cast<double>(stop)) / static_cast<double>(-step);
  if (count > static_cast<double>(ev.options().limits.max_range))
    fail_limit(pos, "range() would produce more than " + std::to_string(ev.options().limits.max_range) + " items");
  ValueList out;
  for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) out.emplace_back(i);
  return Value::list(std::move(out));
}

Value g_namespace(Evaluator&, CallArgs& a, const SourcePos& pos) {
  Value ns = Value::ns();
  if (a.positional.size() > 1) fail_runtime(pos, "namespace() takes at most one positional argument (a dict)");
  if (!a.positional.empty()) {
    if (!a.positional[0].is_dict()) fail_type(pos, "namespace", "a dict", a.positional[0]);
    for (const auto& [k, v] : a.positional[0].dict_ref().entries()) ns.dict_ref().set(k, v);
  }
  for (auto& [k, v] : a.named) ns.dict_ref().set(Value(k), v);
  return ns;
}

Value g_dict(Evaluator&, CallArgs& a, const SourcePos& pos) {
  Value d = Value::dict();
  if (a.positional.size() > 1) fail_runtime(pos, "dict() takes at most one positional argument");
  if (!a.positional.empty()) {
    const Value& src = a.positional[0];
    if (src.is_dict()) {
      for (const auto& [k, v] : src.dict_ref().entries()) d.dict_ref().set(k, v);
    } else if (src.is_sequence()) {
      for (const Value& pair : src.items()) {
        if (!pair.is_sequence() || pair.items().size() != 2) fail_runtime(pos, "dict(): each item must be a (key, value) pair");
        d.dict_ref().set(pair.items()[0], pair.items()[1]);
      }
    } else {
      fail_type(pos, "dict", "a dict or a list of pairs", src);
    }
  }
  for (auto& [k, v] : a.named) d.dict_ref().set(Value(k), v);
  return d;
}

Value g_raise_exception(Evaluator&, CallArgs& a, const SourcePos& pos) {
  const std::string message = a.positional.empty() ? std::string() : to_display_string(a.positional[0]);
  throw TemplateError(TemplateError::Kind::kRaised, pos, message);
}

Value g_strftime_now(Evaluator& ev, CallArgs& a, const SourcePos& pos) {
  ArgReader r(a, "strftime_now", pos);
  const Value format = r.require(0, "format");
  r.done();
  if (!format.is_string()) fail_type(pos, "strftime_now", "a format string", format);
  std::tm tm{};
  if (ev.options().now) {
    tm = ev.options().now();
  } else {
    const std::time_t t = std::time(nullptr);
    localtime_r(&t, &tm);
  }
  if (format.str().size() > 256) fail_runtime(pos, "strftime_now: format string longer than 256 bytes");
  char buf[1024];
  const size_t n = std::strftime(buf, sizeof buf, format.str().c_str(), &tm);
  if (n == 0 && !format.str().empty()) fail_runtime(pos, "strftime_now: the formatted date is empty or too long");
  return Value(std::string(buf, n));
}

}  // namespace

std::vector<std::pair<std::string, Value>> builtin_globals() {
  return {
      {"range", Value::callable("range", g_range)},
      {"namespace", Value::callable("namespace", g_namespace)},
      {"dict", Value::callable("dict", g_dict)},
      {"raise_exception", Value::callable("raise_exception", g_raise_exception)},
      {"strftime_now", Value::callable("strftime_now", g_strftime_now)},
  };
}

}  // namespace ls::chat
