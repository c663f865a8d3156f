// Unsupported constructs and bad templates fail with a message naming the construct and where it
// is; hostile templates hit a limit (depth, steps, output size) with a clear error.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "chat/chat_template.h"
#include "chat/jinja_template.h"

namespace ls::chat {
namespace {

Result<std::string> render(const std::string& src, const nlohmann::ordered_json& ctx = nlohmann::ordered_json::object(),
                           const RenderLimits& limits = {}) {
  auto t = JinjaTemplate::parse(src);
  if (!t.ok()) return t.error();
  RenderOptions opt;
  opt.limits = limits;
  return t->render(from_json(ctx), opt);
}

void expect_error(const std::string& full_src, const std::string& fragment, const std::string& where = "") {
  auto r = render(full_src);
  const std::string src = full_src.size() > 200 ? full_src.substr(0, 200) + "…" : full_src;
  ASSERT_FALSE(r.ok()) << "template: " << src << "\nrendered: " << *r;
  EXPECT_NE(r.error().message.find(fragment), std::string::npos) << "template: " << src << "\nmessage: " << r.error().message;
  if (!where.empty()) {
    EXPECT_NE(r.error().message.find(where), std::string::npos) << "template: " << src << "\nmessage: " << r.error().message;
  }
}

// "{{ inner }}" (built with append: GCC 12 warns spuriously on chained operator+ here).
std::string wrap(const std::string& inner) {
  std::string s = "{{ ";
  s.append(inner);
  s.append(" }}");
  return s;
}

TEST(JinjaErrors, SyntaxErrorsNameTheConstructAndPosition) {
  expect_error("{% foo %}", "unknown tag 'foo'", "line 1, column 4");
  expect_error("a\n  {% if x %}b", "never closed", "line 2, column 3");
  expect_error("{% endfor %}", "unexpected '{% endfor %}'", "line 1, column 4");
  expect_error("{{ 1 + }}", "unexpected '}}' in an expression", "line 1, column 8");
  expect_error("{{ 'abc }}", "unterminated string literal", "line 1, column 4");
  expect_error("{# x", "unterminated comment", "line 1, column 1");
  expect_error("x\n{{ a", "unterminated tag", "line 2, column 1");
  expect_error("{% raw %}x", "unterminated raw block");
  expect_error("{{ a $ b }}", "unexpected character '$'");
  expect_error("{% set x %}y", "expected 'endset'");
  expect_error("{% if x %}{% else %}{% elif y %}{% endif %}", "unexpected '{% elif %}'");
  expect_error("{{ 99999999999999999999 }}", "does not fit in 64 bits");
}

TEST(JinjaErrors, UnsupportedConstructsAreRejectedAtParseTime) {
  expect_error("{{ x | nosuch }}", "unknown filter 'nosuch'", "line 1, column 8");
  expect_error("{{ x is nosuchtest }}", "unknown test 'nosuchtest'", "line 1, column 6");
  expect_error("{% for x in y recursive %}{% endfor %}", "recursive for loops are not supported");
  expect_error("{% call m() %}{% endcall %}", "'{% call %}' statement is not supported", "line 1, column 4");
  expect_error("{% include 'x' %}", "'{% include %}' statement is not supported");
  expect_error("{% extends 'x' %}", "'{% extends %}' statement is not supported");
  expect_error("{% import 'x' as y %}", "'{% import %}' statement is not supported");
  expect_error("{% do x.append(1) %}", "'{% do %}' statement is not supported");
  expect_error("{{ f(*a) }}", "'*args' / '**kwargs' in calls are not supported");
  expect_error("{% break %}", "'break' outside of a for loop");
  expect_error("{% for x in y %}{% macro m() %}{% continue %}{% endmacro %}{% endfor %}", "'continue' outside of a for loop");
  expect_error("{{ '\\N{DASH}' }}", "\\N{...} escapes");
}

TEST(JinjaErrors, RuntimeErrorsExplainWhatWentWrong) {
  expect_error("{{ nope.attr }}", "'nope' is undefined (reading its attribute 'attr')", "line 1, column 8");
  expect_error("{% set d = {} %}{{ d.missing.x }}", "'dict object' has no attribute 'missing'");
  expect_error("{{ nope() }}", "'nope' is undefined (called as a function)");
  expect_error("{{ 'a' + 1 }}", "unsupported operand type(s) for +: 'str' and 'int'");
  expect_error("{{ nope + 1 }}", "'nope' is undefined");
  expect_error("{{ 1 // 0 }}", "integer division or modulo by zero");
  expect_error("{{ 1 / 0 }}", "division by zero");
  expect_error("{{ [1][::0] }}", "slice step cannot be zero");
  expect_error("{{ 'x' < 1 }}", "'<' not supported between instances of 'str' and 'int'");
  expect_error("{{ 1 in 2 }}", "argument of type 'int' is not iterable");
  expect_error("{% for x in 5 %}{% endfor %}", "'int' object is not iterable");
  expect_error("{% set a, b = [1] %}", "not enough values to unpack (expected 2, got 1)");
  expect_error("{% set d = {} %}{% set d.x = 1 %}", "only namespace() objects accept");
  expect_error("{{ 'x'|tojson(indent='a', bogus=1) }}", "tojson() got an unexpected keyword argument 'bogus'");
  expect_error("{{ [1, 2]|join(',', 'a', 'b') }}", "join() takes at most 2 argument(s)");
  expect_error("{{ 'a %s %s' % 1 }}", "not enough arguments for format string");
  expect_error("{{ 'a' % 1 }}", "not all arguments converted");
  expect_error("{{ '%d' % 'x' }}", "a real number is required");
  expect_error("{{ 9223372036854775807 + 1 }}", "integer overflow");
  expect_error("{{ [].pop() }}", "pop from empty list");
  expect_error("{{ nope|tojson }}", "is not JSON serializable");
}

TEST(JinjaErrors, RaiseExceptionCarriesTheTemplatesMessage) {
  auto r = render("{% if messages[0].role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}",
                  {{"messages", {{{"role", "system"}}}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "TemplateError: System role not supported");
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
}

TEST(JinjaLimits, DeepNestingIsRejectedNotACrash) {
  expect_error(wrap(std::string(5000, '(') + "1" + std::string(5000, ')')), "nesting deeper than");
  std::string ifs;
  for (int i = 0; i < 1000; ++i) ifs += "{% if true %}";
  for (int i = 0; i < 1000; ++i) ifs += "{% endif %}";
  expect_error(ifs, "nesting deeper than");
  expect_error(wrap(std::string(100000, '[') + std::string(100000, ']')), "nesting deeper than");
  expect_error(wrap(std::string(100000, '[')), "unterminated tag");
  expect_error(wrap(std::string(100000, '-') + "1"), "nesting deeper than");
  expect_error(wrap("x" + std::string(100000, '!')), "unexpected character");
}

TEST(JinjaLimits, InfiniteMacroRecursionHitsTheDepthLimit) {
  auto r = render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kResourceLimit);
  EXPECT_NE(r.error().message.find("recursion deeper than"), std::string::npos) << r.error().message;
}

TEST(JinjaLimits, HugeLoopsHitTheStepBudget) {
  RenderLimits limits;
  limits.max_steps = 20000;
  auto r = render("{% for a in range(1000) %}{% for b in range(1000) %}{% endfor %}{% endfor %}", {}, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kResourceLimit);
  EXPECT_NE(r.error().message.find("exceeded 20000 steps"), std::string::npos) << r.error().message;
  auto big = render("{{ range(100000000)|length }}");
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message.find("range() would produce more than"), std::string::npos) << big.error().message;
}

TEST(JinjaLimits, OutputAndStringGrowthAreBounded) {
  RenderLimits limits;
  limits.max_output_bytes = 1 << 16;
  auto out = render("{% for i in range(100000) %}xxxxxxxxxx{% endfor %}", {}, limits);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("exceed 65536 bytes"), std::string::npos) << out.error().message;
  auto doubling = render("{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}", {}, limits);
  ASSERT_FALSE(doubling.ok());
  EXPECT_EQ(doubling.error().kind, ErrorKind::kResourceLimit);
  auto repeat = render("{{ 'x' * 1000000000 }}", {}, limits);
  ASSERT_FALSE(repeat.ok());
  EXPECT_EQ(repeat.error().kind, ErrorKind::kResourceLimit);
  auto list_repeat = render("{{ ([1] * 1000000000)|length }}", {}, limits);
  ASSERT_FALSE(list_repeat.ok());
  EXPECT_EQ(list_repeat.error().kind, ErrorKind::kResourceLimit);
}

TEST(JinjaLimits, SharedAndCyclicValuesPrintBoundedly) {
  // A list inside itself prints as [...] (as in Python); tojson refuses it.
  auto cyc = render("{% set l = [1] %}{% set _ = l.append(l) %}{{ l }}");
  ASSERT_TRUE(cyc.ok()) << cyc.error().message;
  EXPECT_EQ(*cyc, "[1, [...]]");
  auto cyc_json = render("{% set l = [] %}{% set _ = l.append(l) %}{{ l|tojson }}");
  ASSERT_FALSE(cyc_json.ok());
  EXPECT_NE(cyc_json.error().message.find("Circular reference detected"), std::string::npos) << cyc_json.error().message;
  // Doubling a shared list 60 times: printing would take 2^60 bytes.
  const std::string dag = "{% set ns = namespace(a=[1]) %}{% for i in range(60) %}{% set ns.a = [ns.a, ns.a] %}{% endfor %}";
  auto printed = render(dag + "{{ ns.a }}");
  ASSERT_FALSE(printed.ok());
  EXPECT_EQ(printed.error().kind, ErrorKind::kResourceLimit);
  EXPECT_NE(printed.error().message.find("line 1, column 97"), std::string::npos) << printed.error().message;
  auto json = render(dag + "{{ ns.a|tojson }}");
  ASSERT_FALSE(json.ok());
  EXPECT_NE(json.error().message.find("would exceed"), std::string::npos) << json.error().message;
}

TEST(JinjaLimits, FiltersThatGrowStringsAreBounded) {
  RenderLimits limits;
  limits.max_output_bytes = 1 << 20;
  for (const char* src : {"{{ ('x' * 100000)|replace('', 'yyyyyyyyyy') }}", "{{ ('x' * 100000).replace('x', 'abcdefghijkl') }}",
                          "{{ 'a'|indent(1000000000) }}", "{{ ('a\n' * 100000)|indent(100) }}", "{{ [1]|batch(1000000000, 0)|list }}",
                          "{{ 'x'|center(1000000000) }}"}) {
    auto r = render(src, {}, limits);
    ASSERT_FALSE(r.ok()) << src;
    EXPECT_EQ(r.error().kind, ErrorKind::kResourceLimit) << src << ": " << r.error().message;
  }
}

TEST(JinjaTemplate, ParseOnceRenderMany) {
  auto t = JinjaTemplate::parse("{% for m in messages %}[{{ m }}]{% endfor %}");
  ASSERT_TRUE(t.ok());
  for (int i = 0; i < 3; ++i) {
    nlohmann::ordered_json ctx = {{"messages", nlohmann::ordered_json::array()}};
    for (int k = 0; k <= i; ++k) ctx["messages"].push_back(k);
    auto r = t->render(from_json(ctx));
    ASSERT_TRUE(r.ok());
    std::string want;
    for (int k = 0; k <= i; ++k) {
      want += '[';
      want += std::to_string(k);
      want += ']';
    }
    EXPECT_EQ(*r, want);
  }
}

TEST(ChatTemplate, RendersWithTheStandardVariables) {
  auto t = ChatTemplate::parse(
      "{{ bos_token }}{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}"
      "{% if tools is defined %}T{{ tools|length }}{% endif %}{% if add_generation_prompt %}<assistant>{% endif %}"
      "{{ extra_flag }}{{ eos_token }}");
  ASSERT_TRUE(t.ok()) << t.error().message;
  nlohmann::ordered_json msgs = {{{"role", "user"}, {"content", "你好"}}};
  auto r = t->render(msgs, true, nullptr, "<s>", "</s>", {{"extra_flag", "!"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "<s><user>你好<assistant>!</s>");
  auto with_tools = t->render(msgs, false, nlohmann::ordered_json::array({1, 2}), "", "", nlohmann::ordered_json::object());
  ASSERT_TRUE(with_tools.ok());
  EXPECT_EQ(*with_tools, "<user>你好T2");
  // The nlohmann::json overload (keys sorted by the library) gives the same result here.
  auto plain = t->render(nlohmann::json::array({{{"role", "user"}, {"content", "你好"}}}), true, nlohmann::json(), "<s>",
                         "</s>", nlohmann::json::object());
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, "<s><user>你好<assistant></s>");
  auto bad = t->render(nlohmann::ordered_json::object(), true, nullptr, "", "");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("'messages' must be an array"), std::string::npos);
}

TEST(ChatTemplate, OneParsedTemplateRendersConcurrently) {
  auto t = ChatTemplate::parse(
      "{% set ns = namespace(n=0) %}{% for m in messages %}{% set ns.n = ns.n + 1 %}"
      "{{ m.role|upper }}:{{ m.content }}|{% endfor %}{{ ns.n }}{{ messages|tojson }}");
  ASSERT_TRUE(t.ok());
  std::vector<std::string> results(8);
  std::vector<std::thread> threads;
  for (size_t k = 0; k < results.size(); ++k) {
    threads.emplace_back([&, k] {
      nlohmann::ordered_json msgs = nlohmann::ordered_json::array();
      for (size_t i = 0; i <= k; ++i) msgs.push_back({{"role", "user"}, {"content", std::to_string(i)}});
      for (int rep = 0; rep < 50; ++rep) {
        auto r = t->render(msgs, false, nullptr, "", "");
        results[k] = r.ok() ? *r : "error: " + r.error().message;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (size_t k = 0; k < results.size(); ++k) {
    std::string want;
    std::string json = "[";
    for (size_t i = 0; i <= k; ++i) {
      want += "USER:" + std::to_string(i) + "|";
      if (i) json += ", ";
      json += "{\"role\": \"user\", \"content\": \"" + std::to_string(i) + "\"}";
    }
    want += std::to_string(k + 1) + json + "]";
    EXPECT_EQ(results[k], want);
  }
}

TEST(ChatTemplate, InjectableClockFeedsStrftimeNow) {
  auto t = ChatTemplate::parse("{{ strftime_now('%Y-%m-%d') }}");
  ASSERT_TRUE(t.ok());
  t->set_clock([] {
    std::tm tm{};
    tm.tm_year = 2030 - 1900;
    tm.tm_mon = 0;
    tm.tm_mday = 2;
    return tm;
  });
  auto r = t->render(nlohmann::ordered_json::array(), false, nullptr, "", "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "2030-01-02");
}

}  // namespace
}  // namespace ls::chat
