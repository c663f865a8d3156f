// Walks the AST and produces the output, with Jinja2's scoping (a for-loop iteration and a macro
// call get their own frame; `if` does not), Python value semantics, and hard limits so that a
// hostile template ends with a clear error instead of exhausting memory, stack or time.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "chat/ast.h"
#include "chat/value.h"

namespace ls::chat {

struct RenderLimits {
  size_t max_output_bytes = 16u << 20;  // any string the template builds, the output included
  int max_depth = 400;                  // nested statements + expressions + macro calls
  uint64_t max_steps = 5'000'000;       // statements and expressions evaluated (~5 s worst case)
  size_t max_range = 1'000'000;         // elements one range() / repetition may produce
};

struct RenderOptions {
  RenderLimits limits;
  // Local wall-clock time for strftime_now(); tests fix it.
  std::function<std::tm()> now;
};

class Evaluator {
 public:
  Evaluator(const RenderOptions& options, const Dict& context);

  std::string render(const NodeList& nodes);

  // Services the built-in filters, tests and methods use.
  Value call(const Value& fn, CallArgs& args, const SourcePos& pos);
  Value apply_filter(const std::string& name, const Value& operand, CallArgs& args, const SourcePos& pos);
  bool apply_test(const std::string& name, const Value& v, CallArgs& args, const SourcePos& pos);
  Value get_attr(const Value& obj, const std::string& name, const SourcePos& pos);
  Value get_item(const Value& obj, const Value& key, const SourcePos& pos);
  // Elements of an iterable as Python iterates it (dict → keys, str → characters).
  ValueList iterate(const Value& v, const SourcePos& pos);
  // Fails when a string/list about to be built would pass the output limit.
  void check_size(size_t bytes_or_items, const SourcePos& pos) const;
  const RenderOptions& options() const { return options_; }

 private:
  enum class Flow { kNormal, kBreak, kContinue };
  using Frame = std::unordered_map<std::string, Value>;

  struct DepthGuard {
    DepthGuard(Evaluator& e, const SourcePos& pos);
    ~DepthGuard() { --e_.depth_; }
    Evaluator& e_;
  };

  Flow exec_list(const NodeList& nodes);
  Flow exec(const Node& n);
  Flow exec_node(const Node& n);
  Flow exec_for(const Node& n);
  void exec_set(const Node& n);
  std::string capture(const NodeList& body);
  void write(const std::string& s, const SourcePos& pos);
  void assign(const Target& t, const Value& v, const SourcePos& pos);
  Value call_macro(const Node& macro, CallArgs& args, const SourcePos& pos);

  Value eval(const Expr& e);
  Value eval_binary(const Expr& e);
  Value eval_compare(const Expr& e);
  Value eval_slice(const Expr& e);
  void eval_args(const Expr& e, size_t first, CallArgs& out);
  Value lookup(const std::string& name) const;
  void step(const SourcePos& pos);

  RenderOptions options_;
  Frame globals_;
  std::vector<Frame> frames_;
  size_t frame_base_ = 0;  // a macro body sees frames_[0] and frames from here up
  std::string* out_ = nullptr;
  int depth_ = 0;
  uint64_t steps_ = 0;
};

// Arithmetic and membership with Python semantics, shared with the filters.
Value binary_op(const std::string& op, const Value& a, const Value& b, const SourcePos& pos, const Evaluator& ev);
bool contains(const Value& container, const Value& item, const SourcePos& pos);

}  // namespace ls::chat
