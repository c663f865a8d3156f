// The language, feature by feature: each case in data/jinja_cases.json is a small template whose
// expected output was computed by Python Jinja2 3.1.6 set up as transformers does
// (data/make_jinja_cases.py); the interpreter must reproduce it byte for byte.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "chat/jinja_template.h"
#include "golden_support.h"

namespace ls::chat {
namespace {

struct Case {
  std::string name;
  nlohmann::ordered_json data;
};

std::vector<Case> load_cases() {
  std::ifstream in(test::source_dir() + "/tests/chat/data/jinja_cases.json");
  std::stringstream ss;
  ss << in.rdbuf();
  std::vector<Case> cases;
  if (ss.str().empty()) return cases;
  for (const auto& c : nlohmann::ordered_json::parse(ss.str())) cases.push_back({c["name"].get<std::string>(), c});
  return cases;
}

class JinjaCase : public ::testing::TestWithParam<Case> {};

TEST_P(JinjaCase, MatchesJinja2) {
  const auto& c = GetParam().data;
  auto t = JinjaTemplate::parse(c["template"].get<std::string>());
  ASSERT_TRUE(t.ok()) << t.error().message;
  RenderOptions opt;
  opt.now = test::golden_clock;
  auto r = t->render(from_json(c["context"]), opt);
  if (c.contains("error")) {
    ASSERT_FALSE(r.ok()) << "rendered: " << *r;
    EXPECT_EQ(r.error().message, c["error"].get<std::string>());
    return;
  }
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, c["expected"].get<std::string>());
}

INSTANTIATE_TEST_SUITE_P(Language, JinjaCase, ::testing::ValuesIn(load_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(JinjaCases, DataFileIsPresent) { EXPECT_GE(load_cases().size(), 50u); }

}  // namespace
}  // namespace ls::chat
