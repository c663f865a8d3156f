// `localseek template render|check` end to end.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_run.h"
#include "test_support.h"

namespace ls::chat {
namespace {

constexpr auto run = [](const std::string& args) { return ls::test::run_cli(args); };

using ls::test::shell_quote;
constexpr auto quote = [](const std::string& s) { return shell_quote(s); };

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}

TEST(TemplateCli, RenderReproducesAGoldenCase) {
  LS_REQUIRE_ASSET("golden/templates/meta-llama-Llama-3.2-3B-Instruct/c5-tools.json");
  const std::string golden = test::shared_path("golden/templates/meta-llama-Llama-3.2-3B-Instruct/c5-tools.json");
  const auto r = run("template render --json --now '2024-07-26 12:00:00' " +
                     quote(test::shared_path("templates/meta-llama-Llama-3.2-3B-Instruct.jinja")) + " " + quote(golden));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["rendered"], read_json(golden)["rendered"]);
}

TEST(TemplateCli, RenderReportsTheTemplatesOwnError) {
  LS_REQUIRE_ASSET("golden/templates/google-gemma-2-2b-it/c2-system.json");
  const auto r = run("template render " + quote(test::shared_path("templates/google-gemma-2-2b-it.jinja")) + " " +
                     quote(test::shared_path("golden/templates/google-gemma-2-2b-it/c2-system.json")));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("TemplateError: System role not supported"), std::string::npos) << r.out;
}

TEST(TemplateCli, RenderUsesTheTemplateInsideAGguf) {
  LS_REQUIRE_ASSET("vocab/ggml-vocab-deepseek-r1-qwen.gguf");
  const std::string ctx = ::testing::TempDir() + "/template_cli_ctx.json";
  std::ofstream(ctx) << R"({"messages": [{"role": "user", "content": "Hi"}], "add_generation_prompt": true})";
  const auto r = run("template render --bos '<s>' " + quote(test::shared_path("vocab/ggml-vocab-deepseek-r1-qwen.gguf")) +
                     " " + quote(ctx));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "<s><｜User｜>Hi<｜Assistant｜>");
  const auto none = run("template check " + quote(test::shared_path("vocab/ggml-vocab-bert-bge.gguf")));
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.out.find("no tokenizer.chat_template"), std::string::npos) << none.out;
}

TEST(TemplateCli, CheckParsesEverySharedTemplate) {
  LS_REQUIRE_ASSET("templates");
  std::string args = "template check";
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::shared_path("templates"))) {
    if (e.path().extension() != ".jinja") continue;
    args += ' ';
    args += quote(e.path().string());
    ++n;
  }
  const auto r = run(args);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::string want = std::to_string(n);
  want.append("/").append(std::to_string(n)).append(" templates parse");
  EXPECT_NE(r.out.find(want), std::string::npos) << r.out;
}

TEST(TemplateCli, CheckNamesTheBrokenConstruct) {
  const std::string path = ::testing::TempDir() + "/broken_template.jinja";
  std::ofstream(path) << "ok\n{% for m in messages %}{{ m | frobnicate }}{% endfor %}";
  const auto r = run("template check --json " + quote(path));
  EXPECT_NE(r.exit_code, 0);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_FALSE(j[0]["ok"].get<bool>());
  EXPECT_NE(j[0]["error"].get<std::string>().find("unknown filter 'frobnicate'"), std::string::npos) << r.out;
  EXPECT_NE(j[0]["error"].get<std::string>().find("line 2, column 31"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ls::chat
