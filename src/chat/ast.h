// The parsed template: statements (Node) over expressions (Expr). Built once by the parser,
// read-only afterwards, so one parsed template renders any number of times, concurrently too.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "chat/template_error.h"
#include "chat/value.h"

namespace ls::chat {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Type {
    kLiteral,   // literal
    kName,      // name
    kList,      // args: items
    kTuple,     // args: items
    kDict,      // args: key0, value0, key1, value1, …
    kGetAttr,   // args[0].name
    kGetItem,   // args[0][args[1]]
    kSlice,     // args[0][args[1]:args[2]:args[3]] (null parts allowed)
    kCall,      // args[0](args[1..], kwargs)
    kFilter,    // args[0] | name(args[1..], kwargs); args[0] null inside {% filter %}
    kTest,      // args[0] is [not] name(args[1..]); negated for `is not`
    kUnary,     // name ∈ {"-", "+", "not"} args[0]
    kBinary,    // args[0] name args[1]; name ∈ {+ - * / // % ** ~ and or in "not in"}
    kCompare,   // args[0] ops[0] args[1] ops[1] args[2] … (Python chained comparison)
    kCondExpr,  // args[0] if args[1] else args[2] (args[2] may be null)
  };
  Type type;
  SourcePos pos;
  std::string name;
  Value literal;
  std::vector<ExprPtr> args;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  std::vector<std::string> ops;
  bool negated = false;
};

struct Node;
using NodePtr = std::unique_ptr<Node>;
using NodeList = std::vector<NodePtr>;

// Assignment target: a name, `ns.attr`, or a tuple of names (`for k, v in …`, `set a, b = …`).
struct Target {
  std::vector<std::string> names;  // more than one: unpack
  std::string attr;                // non-empty: names[0].attr (namespace attribute)
  bool is_tuple = false;
};

struct Node {
  enum class Type { kText, kOutput, kIf, kFor, kSet, kSetBlock, kMacro, kFilterBlock, kBreak, kContinue };
  Type type;
  SourcePos pos;
  std::string text;                                   // kText
  ExprPtr expr;                                       // kOutput value, kSet value, kFor iterable
  std::vector<std::pair<ExprPtr, NodeList>> branches;  // kIf: (condition or null for else, body)
  Target target;                                      // kFor, kSet, kSetBlock
  ExprPtr condition;                                  // kFor inline `if`
  NodeList body;                                      // kFor, kSetBlock, kMacro, kFilterBlock
  NodeList else_body;                                 // kFor
  std::vector<ExprPtr> filters;                       // kSetBlock, kFilterBlock: filter chain (null operand)
  std::string name;                                   // kMacro
  std::vector<std::string> params;                    // kMacro
  std::vector<ExprPtr> defaults;                      // kMacro: one per param, null when none
};

}  // namespace ls::chat
