#include "chat/evaluator.h"

#include <cmath>
#include <limits>

#include "chat/builtins.h"

namespace ls::chat {

Evaluator::DepthGuard::DepthGuard(Evaluator& e, const SourcePos& pos) : e_(e) {
  if (++e_.depth_ > e_.options_.limits.max_depth) {
    --e_.depth_;
    fail_limit(pos, "recursion deeper than " + std::to_string(e_.options_.limits.max_depth) +
                        " levels (nested statements, expressions and macro calls)");
  }
}

Evaluator::Evaluator(const RenderOptions& options, const Dict& context) : options_(options) {
  for (auto& [name, value] : builtin_globals()) globals_[name] = value;
  for (const auto& [k, v] : context.entries())
    if (k.is_string()) globals_[k.str()] = v;
  frames_.emplace_back();
}

std::string Evaluator::render(const NodeList& nodes) {
  std::string out;
  out_ = &out;
  exec_list(nodes);
  out_ = nullptr;
  return out;
}

void Evaluator::step(const SourcePos& pos) {
  if (++steps_ > options_.limits.max_steps)
    fail_limit(pos, "template evaluation exceeded " + std::to_string(options_.limits.max_steps) + " steps");
}

void Evaluator::check_size(size_t n, const SourcePos& pos) const {
  if (n > options_.limits.max_output_bytes)
    fail_limit(pos, "a string or list would exceed " + std::to_string(options_.limits.max_output_bytes) +
                        " bytes/items (render output limit)");
}

void Evaluator::write(const std::string& s, const SourcePos& pos) {
  check_size(out_->size() + s.size(), pos);
  out_->append(s);
}

// ---- statements ---------------------------------------------------------------------------------

Evaluator::Flow Evaluator::exec_list(const NodeList& nodes) {
  for (const auto& n : nodes) {
    const Flow f = exec(*n);
    if (f != Flow::kNormal) return f;
  }
  return Flow::kNormal;
}

std::string Evaluator::capture(const NodeList& body) {
  std::string buf;
  std::string* saved = out_;
  out_ = &buf;
  try {
    exec_list(body);
  } catch (...) {
    out_ = saved;
    throw;
  }
  out_ = saved;
  return buf;
}

Evaluator::Flow Evaluator::exec(const Node& n) {
  try {
    return exec_node(n);
  } catch (const TemplateError& e) {
    if (e.pos().line != 0) throw;
    throw TemplateError(e.kind(), n.pos, e.what());  // raised without a position: the statement's
  }
}

Evaluator::Flow Evaluator::exec_node(const Node& n) {
  DepthGuard guard(*this, n.pos);
  step(n.pos);
  switch (n.type) {
    case Node::Type::kText: write(n.text, n.pos); return Flow::kNormal;
    case Node::Type::kOutput: {
      const Value v = eval(*n.expr);
      if (!v.is_undefined()) write(to_display_string(v), n.pos);
      return Flow::kNormal;
    }
    case Node::Type::kIf:
      for (const auto& [cond, body] : n.branches) {
        if (!cond || eval(*cond).truthy()) return exec_list(body);
      }
      return Flow::kNormal;
    case Node::Type::kFor: return exec_for(n);
    case Node::Type::kSet: exec_set(n); return Flow::kNormal;
    case Node::Type::kSetBlock: {
      Value v(capture(n.body));
      for (const auto& f : n.filters) {
        CallArgs args;
        eval_args(*f, 1, args);
        v = apply_filter(f->name, v, args, f->pos);
      }
      assign(n.target, v, n.pos);
      return Flow::kNormal;
    }
    case Node::Type::kFilterBlock: {
      Value v(capture(n.body));
      for (const auto& f : n.filters) {
        CallArgs args;
        eval_args(*f, 1, args);
        v = apply_filter(f->name, v, args, f->pos);
      }
      write(to_display_string(v), n.pos);
      return Flow::kNormal;
    }
    case Node::Type::kMacro: {
      const Node* macro = &n;
      frames_.back()[n.name] = Value::callable(n.name, [macro](Evaluator& ev, CallArgs& args, const SourcePos& pos) {
        return ev.call_macro(*macro, args, pos);
      });
      return Flow::kNormal;
    }
    case Node::Type::kBreak: return Flow::kBreak;
    case Node::Type::kContinue: return Flow::kContinue;
  }
  return Flow::kNormal;
}

Evaluator::Flow Evaluator::exec_for(const Node& n) {
  const ValueList all = iterate(eval(*n.expr), n.expr->pos);
  ValueList items;
  if (n.condition) {
    for (const Value& item : all) {
      frames_.emplace_back();
      assign(n.target, item, n.pos);
      bool keep = false;
      try {
        keep = eval(*n.condition).truthy();
      } catch (...) {
        frames_.pop_back();
        throw;
      }
      frames_.pop_back();
      if (keep) items.push_back(item);
    }
  } else {
    items = all;
  }
  if (items.empty()) return exec_list(n.else_body);
  const int64_t len = static_cast<int64_t>(items.size());
  // One `loop` object per for-statement, advanced in place each iteration (as Jinja2's
  // LoopContext is): cheaper than a fresh dict per iteration.
  Value loop = Value::dict();
  Dict& d = loop.dict_ref();
  auto current = std::make_shared<int64_t>(0);
  d.set("length", Value(len));
  d.set("depth", Value(1));
  d.set("depth0", Value(0));
  d.set("cycle", Value::callable("loop.cycle", [current](Evaluator&, CallArgs& args, const SourcePos& pos) {
          if (args.positional.empty()) fail_runtime(pos, "loop.cycle() needs at least one value");
          return args.positional[static_cast<size_t>(*current) % args.positional.size()];
        }));
  for (int64_t i = 0; i < len; ++i) {
    step(n.pos);
    *current = i;
    d.set("index", Value(i + 1));
    d.set("index0", Value(i));
    d.set("revindex", Value(len - i));
    d.set("revindex0", Value(len - i - 1));
    d.set("first", Value(i == 0));
    d.set("last", Value(i == len - 1));
    if (i > 0) d.set("previtem", items[static_cast<size_t>(i - 1)]);
    if (i + 1 < len) d.set("nextitem", items[static_cast<size_t>(i + 1)]);
    else d.erase(Value("nextitem"));
    frames_.emplace_back();
    Flow f = Flow::kNormal;
    try {
      assign(n.target, items[static_cast<size_t>(i)], n.pos);
      frames_.back()["loop"] = loop;
      f = exec_list(n.body);
    } catch (...) {
      frames_.pop_back();
      throw;
    }
    frames_.pop_back();
    if (f == Flow::kBreak) break;
  }
  return Flow::kNormal;
}

void Evaluator::exec_set(const Node& n) { assign(n.target, eval(*n.expr), n.pos); }

void Evaluator::assign(const Target& t, const Value& v, const SourcePos& pos) {
  if (!t.attr.empty()) {
    const Value obj = lookup(t.names[0]);
    if (!obj.is_namespace())
      fail_runtime(pos, "cannot assign attribute '" + t.attr + "' on '" + t.names[0] +
                            "': only namespace() objects accept `set x.attr = …`");
    obj.dict_ref().set(Value(t.attr), v);
    return;
  }
  Frame& frame = frames_.back();
  if (!t.is_tuple) {
    frame[t.names[0]] = v;
    return;
  }
  ValueList parts;
  if (v.is_sequence()) parts = v.items();
  else if (v.is_string() || v.is_dict()) parts = iterate(v, pos);
  else fail_runtime(pos, "cannot unpack a value of type '" + v.type_name() + "' into " + std::to_string(t.names.size()) + " names");
  if (parts.size() != t.names.size())
    fail_runtime(pos, (parts.size() > t.names.size() ? "too many values to unpack (expected " : "not enough values to unpack (expected ") +
                          std::to_string(t.names.size()) + ", got " + std::to_string(parts.size()) + ")");
  for (size_t i = 0; i < parts.size(); ++i) frame[t.names[i]] = parts[i];
}

Value Evaluator::call_macro(const Node& macro, CallArgs& args, const SourcePos& pos) {
  DepthGuard guard(*this, pos);
  Frame frame;
  ValueList varargs;
  for (size_t i = 0; i < args.positional.size(); ++i) {
    if (i < macro.params.size()) frame[macro.params[i]] = args.positional[i];
    else varargs.push_back(args.positional[i]);
  }
  Value kwargs = Value::dict();
  for (auto& [name, value] : args.named) {
    bool is_param = false;
    for (size_t i = 0; i < macro.params.size(); ++i) {
      if (macro.params[i] != name) continue;
      if (i < args.positional.size())
        fail_runtime(pos, "macro '" + macro.name + "' got multiple values for argument '" + name + "'");
      is_param = true;
    }
    if (is_param) frame[name] = value;
    else kwargs.dict_ref().set(Value(name), value);
  }
  const size_t saved_base = frame_base_;
  frames_.push_back(std::move(frame));
  frame_base_ = frames_.size() - 1;
  std::string result;
  try {
    Frame& f = frames_.back();
    f["varargs"] = Value::tuple(std::move(varargs));
    f["kwargs"] = kwargs;
    // Defaults are evaluated at call time, seeing the parameters bound before them.
    for (size_t i = 0; i < macro.params.size(); ++i) {
      if (frames_.back().count(macro.params[i]) != 0) continue;
      Value dv = macro.defaults[i] ? eval(*macro.defaults[i])
                                   : Value::undefined("parameter '" + macro.params[i] + "' was not provided");
      frames_.back()[macro.params[i]] = dv;
    }
    result = capture(macro.body);
  } catch (...) {
    frames_.pop_back();
    frame_base_ = saved_base;
    throw;
  }
  frames_.pop_back();
  frame_base_ = saved_base;
  return Value(std::move(result));
}

// ---- expressions -----------------------------------------------------------------------------------

Value Evaluator::lookup(const std::string& name) const {
  for (size_t i = frames_.size(); i-- > frame_base_;) {
    auto it = frames_[i].find(name);
    if (it != frames_[i].end()) return it->second;
    if (i == 0) break;
  }
  if (frame_base_ > 0) {
    auto it = frames_[0].find(name);
    if (it != frames_[0].end()) return it->second;
  }
  auto it = globals_.find(name);
  if (it != globals_.end()) return it->second;
  return Value::undefined("'" + name + "' is undefined");
}

void Evaluator::eval_args(const Expr& e, size_t first, CallArgs& out) {
  for (size_t i = first; i < e.args.size(); ++i) out.positional.push_back(eval(*e.args[i]));
  for (const auto& [name, expr] : e.kwargs) out.named.emplace_back(name, eval(*expr));
}

Value Evaluator::eval(const Expr& e) {
  DepthGuard guard(*this, e.pos);
  step(e.pos);
  switch (e.type) {
    case Expr::Type::kLiteral: return e.literal;
    case Expr::Type::kName: return lookup(e.name);
    case Expr::Type::kList:
    case Expr::Type::kTuple: {
      ValueList items;
      items.reserve(e.args.size());
      for (const auto& a : e.args) items.push_back(eval(*a));
      return e.type == Expr::Type::kList ? Value::list(std::move(items)) : Value::tuple(std::move(items));
    }
    case Expr::Type::kDict: {
      Value d = Value::dict();
      for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
        Value k = eval(*e.args[i]);
        if (k.is_list() || k.is_dict() || k.is_undefined())
          fail_runtime(e.args[i]->pos, "unhashable dict key of type '" + k.type_name() + "'");
        d.dict_ref().set(k, eval(*e.args[i + 1]));
      }
      return d;
    }
    case Expr::Type::kGetAttr: return get_attr(eval(*e.args[0]), e.name, e.pos);
    case Expr::Type::kGetItem: {
      const Value obj = eval(*e.args[0]);
      return get_item(obj, eval(*e.args[1]), e.pos);
    }
    case Expr::Type::kSlice: return eval_slice(e);
    case Expr::Type::kCall: {
      const Value fn = eval(*e.args[0]);
      CallArgs args;
      eval_args(e, 1, args);
      return call(fn, args, e.pos);
    }
    case Expr::Type::kFilter: {
      const Value operand = eval(*e.args[0]);
      CallArgs args;
      eval_args(e, 1, args);
      return apply_filter(e.name, operand, args, e.pos);
    }
    case Expr::Type::kTest: {
      const Value v = eval(*e.args[0]);
      CallArgs args;
      eval_args(e, 1, args);
      const bool r = apply_test(e.name, v, args, e.pos);
      return Value(e.negated ? !r : r);
    }
    case Expr::Type::kUnary: {
      const Value v = eval(*e.args[0]);
      if (e.name == "not") return Value(!v.truthy());
      if (v.is_undefined()) fail_runtime(e.pos, v.undefined_hint().empty() ? "undefined value" : v.undefined_hint());
      if (!v.is_number()) fail_runtime(e.pos, "bad operand type for unary " + e.name + ": '" + v.type_name() + "'");
      if (e.name == "+") return v.is_float() ? v : Value(v.as_int());
      if (v.is_float()) return Value(-v.as_double());
      if (v.as_int() == std::numeric_limits<int64_t>::min()) fail_runtime(e.pos, "integer overflow");
      return Value(-v.as_int());
    }
    case Expr::Type::kBinary: return eval_binary(e);
    case Expr::Type::kCompare: return eval_compare(e);
    case Expr::Type::kCondExpr: {
      if (eval(*e.args[1]).truthy()) return eval(*e.args[0]);
      if (e.args[2]) return eval(*e.args[2]);
      return Value::undefined("the conditional expression has no else branch");
    }
  }
  return Value();
}

Value Evaluator::eval_binary(const Expr& e) {
  if (e.name == "and") {
    Value l = eval(*e.args[0]);
    return l.truthy() ? eval(*e.args[1]) : l;
  }
  if (e.name == "or") {
    Value l = eval(*e.args[0]);
    return l.truthy() ? l : eval(*e.args[1]);
  }
  const Value l = eval(*e.args[0]);
  const Value r = eval(*e.args[1]);
  return binary_op(e.name, l, r, e.pos, *this);
}

Value Evaluator::eval_compare(const Expr& e) {
  Value left = eval(*e.args[0]);
  for (size_t i = 0; i < e.ops.size(); ++i) {
    Value right = eval(*e.args[i + 1]);
    const std::string& op = e.ops[i];
    bool r;
    if (op == "==") r = values_equal(left, right);
    else if (op == "!=") r = !values_equal(left, right);
    else if (op == "in") r = contains(right, left, e.pos);
    else if (op == "not in") r = !contains(right, left, e.pos);
    else {
      int c = 0;
      if (!values_compare(left, right, c))
        fail_runtime(e.pos, "'" + op + "' not supported between instances of '" + left.type_name() + "' and '" +
                                right.type_name() + "'");
      r = op == "<" ? c < 0 : op == "<=" ? c <= 0 : op == ">" ? c > 0 : c >= 0;
    }
    if (!r) return Value(false);
    left = std::move(right);
  }
  return Value(true);
}

namespace {

// Python's slice.indices(): clamp start/stop for the given length and step.
void slice_indices(int64_t len, const Value& vs, const Value& ve, const Value& vstep, int64_t& start, int64_t& stop,
                   int64_t& step, const SourcePos& pos) {
  auto as_index = [&](const Value& v, const char* what) -> int64_t {
    if (v.is_int() || v.is_bool()) return v.as_int();
    fail_runtime(pos, std::string("slice ") + what + " must be an integer or none, got '" + v.type_name() + "'");
  };
  step = vstep.is_none() || vstep.is_undefined() ? 1 : as_index(vstep, "step");
  if (step == 0) fail_runtime(pos, "slice step cannot be zero");
  const bool neg = step < 0;
  if (vs.is_none() || vs.is_undefined()) {
    start = neg ? len - 1 : 0;
  } else {
    start = as_index(vs, "start");
    if (start < 0) start = std::max<int64_t>(start + len, neg ? -1 : 0);
    else if (start >= len) start = neg ? len - 1 : len;
  }
  if (ve.is_none() || ve.is_undefined()) {
    stop = neg ? -1 : len;
  } else {
    stop = as_index(ve, "stop");
    if (stop < 0) stop = std::max<int64_t>(stop + len, neg ? -1 : 0);
    else if (stop >= len) stop = neg ? len - 1 : len;
  }
}

}  // namespace

Value Evaluator::eval_slice(const Expr& e) {
  const Value obj = eval(*e.args[0]);
  Value parts[3];
  for (int i = 0; i < 3; ++i) parts[i] = e.args[1 + i] ? eval(*e.args[1 + i]) : Value::none();
  if (obj.is_undefined()) fail_runtime(e.pos, obj.undefined_hint().empty() ? "undefined value" : obj.undefined_hint());
  int64_t start, stop, step;
  if (obj.is_sequence()) {
    const ValueList& items = obj.items();
    slice_indices(static_cast<int64_t>(items.size()), parts[0], parts[1], parts[2], start, stop, step, e.pos);
    ValueList out;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) out.push_back(items[static_cast<size_t>(i)]);
    return obj.is_list() ? Value::list(std::move(out)) : Value::tuple(std::move(out));
  }
  if (obj.is_string()) {
    const std::u32string s = to_u32(obj.str());
    slice_indices(static_cast<int64_t>(s.size()), parts[0], parts[1], parts[2], start, stop, step, e.pos);
    std::u32string out;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) out += s[static_cast<size_t>(i)];
    return Value(from_u32(out));
  }
  fail_runtime(e.pos, "'" + obj.type_name() + "' object cannot be sliced");
}

Value Evaluator::call(const Value& fn, CallArgs& args, const SourcePos& pos) {
  if (fn.is_callable()) return fn.fn().fn(*this, args, pos);
  if (fn.is_undefined())
    fail_runtime(pos, (fn.undefined_hint().empty() ? std::string("undefined value") : fn.undefined_hint()) +
                          " (called as a function)");
  fail_runtime(pos, "'" + fn.type_name() + "' object is not callable");
}

Value Evaluator::apply_filter(const std::string& name, const Value& operand, CallArgs& args, const SourcePos& pos) {
  const FilterFn* f = find_filter(name);
  if (f == nullptr) fail_runtime(pos, "unknown filter '" + name + "'");
  return (*f)(*this, operand, args, pos);
}

bool Evaluator::apply_test(const std::string& name, const Value& v, CallArgs& args, const SourcePos& pos) {
  const TestFn* t = find_test(name);
  if (t == nullptr) fail_runtime(pos, "unknown test '" + name + "'");
  return (*t)(*this, v, args, pos);
}

Value Evaluator::get_attr(const Value& obj, const std::string& name, const SourcePos& pos) {
  switch (obj.kind()) {
    case Value::Kind::kUndefined:
      fail_runtime(pos, (obj.undefined_hint().empty() ? std::string("undefined value") : obj.undefined_hint()) +
                            " (reading its attribute '" + name + "')");
    case Value::Kind::kNamespace: {
      const Value* v = obj.dict_ref().find(Value(name));
      return v != nullptr ? *v : Value::undefined("'Namespace' object has no attribute '" + name + "'");
    }
    case Value::Kind::kDict: {
      // Jinja2 tries the Python attribute first: `d.items` is the method even if a key exists.
      Value m = find_method(obj, name);
      if (!m.is_undefined()) return m;
      const Value* v = obj.dict_ref().find(Value(name));
      return v != nullptr ? *v : Value::undefined("'dict object' has no attribute '" + name + "'");
    }
    default: {
      Value m = find_method(obj, name);
      if (!m.is_undefined()) return m;
      return Value::undefined("'" + obj.type_name() + " object' has no attribute '" + name + "'");
    }
  }
}

Value Evaluator::get_item(const Value& obj, const Value& key, const SourcePos& pos) {
  switch (obj.kind()) {
    case Value::Kind::kUndefined:
      fail_runtime(pos, (obj.undefined_hint().empty() ? std::string("undefined value") : obj.undefined_hint()) +
                            " (reading item " + to_repr(key) + ")");
    case Value::Kind::kDict:
    case Value::Kind::kNamespace: {
      const Value* v = obj.dict_ref().find(key);
      if (v != nullptr) return *v;
      if (key.is_string()) return get_attr(obj, key.str(), pos);
      return Value::undefined("'dict object' has no attribute " + to_repr(key));
    }
    case Value::Kind::kList:
    case Value::Kind::kTuple:
    case Value::Kind::kString: {
      if (key.is_int() || key.is_bool()) {
        int64_t i = key.as_int();
        if (obj.is_string()) {
          const std::u32string s = to_u32(obj.str());
          const int64_t n = static_cast<int64_t>(s.size());
          if (i < 0) i += n;
          if (i < 0 || i >= n) return Value::undefined("string index out of range");
          return Value(from_u32(std::u32string(1, s[static_cast<size_t>(i)])));
        }
        const int64_t n = static_cast<int64_t>(obj.items().size());
        if (i < 0) i += n;
        if (i < 0 || i >= n) return Value::undefined("list index out of range");
        return obj.items()[static_cast<size_t>(i)];
      }
      if (key.is_string()) return get_attr(obj, key.str(), pos);
      return Value::undefined("'" + obj.type_name() + " object' has no item " + to_repr(key));
    }
    default:
      if (key.is_string()) return get_attr(obj, key.str(), pos);
      return Value::undefined("'" + obj.type_name() + " object' has no item " + to_repr(key));
  }
}

ValueList Evaluator::iterate(const Value& v, const SourcePos& pos) {
  switch (v.kind()) {
    case Value::Kind::kUndefined: return {};
    case Value::Kind::kList:
    case Value::Kind::kTuple: return v.items();
    case Value::Kind::kDict: {
      ValueList keys;
      for (const auto& [k, val] : v.dict_ref().entries()) keys.push_back(k);
      return keys;
    }
    case Value::Kind::kString: {
      ValueList chars;
      for (char32_t c : to_u32(v.str())) chars.emplace_back(from_u32(std::u32string(1, c)));
      return chars;
    }
    default: fail_runtime(pos, "'" + v.type_name() + "' object is not iterable");
  }
}

// ---- operators -----------------------------------------------------------------------------------

namespace {

[[noreturn]] void fail_operands(const std::string& op, const Value& a, const Value& b, const SourcePos& pos) {
  if (a.is_undefined() || b.is_undefined()) {
    const Value& u = a.is_undefined() ? a : b;
    fail_runtime(pos, u.undefined_hint().empty() ? "undefined value used with operator '" + op + "'" : u.undefined_hint());
  }
  fail_runtime(pos, "unsupported operand type(s) for " + op + ": '" + a.type_name() + "' and '" + b.type_name() + "'");
}

void check_overflow(bool overflow, const SourcePos& pos) {
  if (overflow) fail_runtime(pos, "integer overflow (values beyond 64 bits are not supported)");
}

Value repeat(const Value& seq, int64_t times, const SourcePos& pos, const Evaluator& ev) {
  if (times < 0) times = 0;
  if (seq.is_string()) {
    ev.check_size(seq.str().size() * static_cast<uint64_t>(times), pos);
    std::string out;
    for (int64_t i = 0; i < times; ++i) out += seq.str();
    return seq.is_markup() ? Value::markup(std::move(out)) : Value(std::move(out));
  }
  ev.check_size(seq.items().size() * static_cast<uint64_t>(times), pos);
  ValueList out;
  for (int64_t i = 0; i < times; ++i) out.insert(out.end(), seq.items().begin(), seq.items().end());
  return seq.is_list() ? Value::list(std::move(out)) : Value::tuple(std::move(out));
}

}  // namespace

Value binary_op(const std::string& op, const Value& a, const Value& b, const SourcePos& pos, const Evaluator& ev) {
  if (op == "~") {
    std::string s = to_display_string(a);
    const std::string t = to_display_string(b);
    ev.check_size(s.size() + t.size(), pos);
    return Value(s + t);
  }
  const bool nums = a.is_number() && b.is_number();
  const bool ints = nums && !a.is_float() && !b.is_float();
  if (op == "+") {
    if (ints) {
      int64_t r = 0;
      check_overflow(__builtin_add_overflow(a.as_int(), b.as_int(), &r), pos);
      return Value(r);
    }
    if (nums) return Value(a.as_double() + b.as_double());
    if (a.is_string() && b.is_string()) {
      ev.check_size(a.str().size() + b.str().size(), pos);
      if (a.is_markup() || b.is_markup()) {
        return Value::markup((a.is_markup() ? a.str() : html_escape(a.str())) +
                             (b.is_markup() ? b.str() : html_escape(b.str())));
      }
      return Value(a.str() + b.str());
    }
    if ((a.is_list() && b.is_list()) || (a.is_tuple() && b.is_tuple())) {
      ev.check_size(a.items().size() + b.items().size(), pos);
      ValueList out = a.items();
      out.insert(out.end(), b.items().begin(), b.items().end());
      return a.is_list() ? Value::list(std::move(out)) : Value::tuple(std::move(out));
    }
    fail_operands(op, a, b, pos);
  }
  if (op == "-") {
    if (ints) {
      int64_t r = 0;
      check_overflow(__builtin_sub_overflow(a.as_int(), b.as_int(), &r), pos);
      return Value(r);
    }
    if (nums) return Value(a.as_double() - b.as_double());
    fail_operands(op, a, b, pos);
  }
  if (op == "*") {
    if (ints) {
      int64_t r = 0;
      check_overflow(__builtin_mul_overflow(a.as_int(), b.as_int(), &r), pos);
      return Value(r);
    }
    if (nums) return Value(a.as_double() * b.as_double());
    if ((a.is_string() || a.is_sequence()) && (b.is_int() || b.is_bool())) return repeat(a, b.as_int(), pos, ev);
    if ((b.is_string() || b.is_sequence()) && (a.is_int() || a.is_bool())) return repeat(b, a.as_int(), pos, ev);
    fail_operands(op, a, b, pos);
  }
  if (op == "/") {
    if (!nums) fail_operands(op, a, b, pos);
    if (b.as_double() == 0) fail_runtime(pos, "division by zero");
    return Value(a.as_double() / b.as_double());
  }
  if (op == "//" || op == "%") {
    if (!nums) {
      if (op == "%" && a.is_string()) {
        std::string out = percent_format(a.str(), b, pos);
        ev.check_size(out.size(), pos);
        return Value(std::move(out));
      }
      fail_operands(op, a, b, pos);
    }
    if (ints) {
      const int64_t x = a.as_int(), y = b.as_int();
      if (y == 0) fail_runtime(pos, "integer division or modulo by zero");
      if (x == std::numeric_limits<int64_t>::min() && y == -1) fail_runtime(pos, "integer overflow");
      int64_t q = x / y, r = x % y;
      if (r != 0 && ((r < 0) != (y < 0))) {  // Python floors toward negative infinity
        --q;
        r += y;
      }
      return Value(op == "//" ? q : r);
    }
    const double x = a.as_double(), y = b.as_double();
    if (y == 0) fail_runtime(pos, "float division or modulo by zero");
    if (op == "//") return Value(std::floor(x / y));
    double r = std::fmod(x, y);
    if (r != 0 && ((r < 0) != (y < 0))) r += y;
    return Value(r);
  }
  if (op == "**") {
    if (!nums) fail_operands(op, a, b, pos);
    if (ints && b.as_int() >= 0) {
      int64_t result = 1, base = a.as_int(), e = b.as_int();
      while (e > 0) {
        if (e & 1) check_overflow(__builtin_mul_overflow(result, base, &result), pos);
        e >>= 1;
        if (e > 0) check_overflow(__builtin_mul_overflow(base, base, &base), pos);
      }
      return Value(result);
    }
    return Value(std::pow(a.as_double(), b.as_double()));
  }
  fail_runtime(pos, "unknown operator '" + op + "'");
}

bool contains(const Value& container, const Value& item, const SourcePos& pos) {
  switch (container.kind()) {
    case Value::Kind::kString:
      if (!item.is_string())
        fail_runtime(pos, "'in <string>' requires string as left operand, not " + item.type_name());
      return container.str().find(item.str()) != std::string::npos;
    case Value::Kind::kList:
    case Value::Kind::kTuple:
      for (const Value& v : container.items())
        if (values_equal(v, item)) return true;
      return false;
    case Value::Kind::kDict: return container.dict_ref().find(item) != nullptr;
    case Value::Kind::kUndefined: return false;
    default: fail_runtime(pos, "argument of type '" + container.type_name() + "' is not iterable");
  }
}

}  // namespace ls::chat
