// Every rendering in ../shared/golden/templates must come out byte for byte (or raise the same
// raise_exception message), and every template in ../shared/templates must parse.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "chat/chat_template.h"
#include "golden_support.h"

namespace ls::chat {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> sorted_entries(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ChatTemplateGolden, AllRenderingsMatch) {
  LS_REQUIRE_ASSET("golden/templates");
  const fs::path golden = test::shared_path("golden/templates");
  int passed = 0, total = 0;
  std::vector<std::string> failures;
  for (const fs::path& dir : sorted_entries(golden)) {
    if (!fs::is_directory(dir)) continue;
    const std::string stem = dir.filename().string();
    auto source = read_file(test::shared_path("templates/" + stem + ".jinja"));
    ASSERT_TRUE(source.ok()) << source.error().message;
    auto tmpl = ChatTemplate::parse(*source);
    for (const fs::path& file : sorted_entries(dir)) {
      if (file.extension() != ".json") continue;
      ++total;
      auto text = read_file(file.string());
      ASSERT_TRUE(text.ok());
      const auto c = nlohmann::ordered_json::parse(*text);
      const std::string name = stem + "/" + file.filename().string();
      if (!tmpl.ok()) {
        failures.push_back(name + ": parse failed: " + tmpl.error().message);
        continue;
      }
      ChatTemplate t = *tmpl;
      t.set_clock(test::golden_clock);
      const auto& ctx = c["context"];
      nlohmann::ordered_json extra = nlohmann::ordered_json::object();
      for (auto it = ctx.begin(); it != ctx.end(); ++it)
        if (it.key() != "messages" && it.key() != "add_generation_prompt" && it.key() != "tools") extra[it.key()] = it.value();
      auto r = t.render(ctx["messages"], ctx.value("add_generation_prompt", false),
                        ctx.contains("tools") ? ctx["tools"] : nlohmann::ordered_json(), c["bos_token"].get<std::string>(),
                        c["eos_token"].get<std::string>(), extra);
      if (c.contains("error")) {
        if (r.ok()) failures.push_back(name + ": expected error '" + c["error"].get<std::string>() + "', rendered instead");
        else if (r.error().message != c["error"].get<std::string>())
          failures.push_back(name + ": error '" + r.error().message + "', expected '" + c["error"].get<std::string>() + "'");
        else ++passed;
        continue;
      }
      const std::string want = c["rendered"].get<std::string>();
      if (!r.ok()) {
        failures.push_back(name + ": " + r.error().message);
      } else if (*r != want) {
        size_t at = 0;
        while (at < want.size() && at < r->size() && want[at] == (*r)[at]) ++at;
        failures.push_back(name + ": differs at byte " + std::to_string(at) + "\n  got:  " +
                           nlohmann::json(r->substr(at, 80)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n  want: " + nlohmann::json(want.substr(at, 80)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      } else {
        ++passed;
      }
    }
  }
  std::printf("golden chat-template renderings: %d/%d passed\n", passed, total);
  for (const auto& f : failures) ADD_FAILURE() << f;
  EXPECT_GT(total, 0);
  EXPECT_EQ(passed, total);
}

TEST(ChatTemplateGolden, EverySharedTemplateParses) {
  LS_REQUIRE_ASSET("templates");
  int parsed = 0, total = 0;
  for (const fs::path& file : sorted_entries(test::shared_path("templates"))) {
    if (file.extension() != ".jinja") continue;
    ++total;
    auto source = read_file(file.string());
    ASSERT_TRUE(source.ok());
    auto t = ChatTemplate::parse(*source);
    if (t.ok()) ++parsed;
    else std::printf("does not parse: %s: %s\n", file.filename().c_str(), t.error().message.c_str());
  }
  std::printf("shared chat templates that parse: %d/%d\n", parsed, total);
  EXPECT_GT(total, 0);
  EXPECT_EQ(parsed, total);
}

}  // namespace
}  // namespace ls::chat
