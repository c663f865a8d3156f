// Damaged templates never crash, hang or run away: thousands of deterministic mutations of the
// shared templates (bytes deleted, duplicated, replaced by template syntax) must each either
// render or fail with an error value.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "chat/chat_template.h"
#include "golden_support.h"

namespace ls::chat {
namespace {

TEST(TemplateMutation, MutatedTemplatesFailCleanly) {
  LS_REQUIRE_ASSET("templates");
  std::vector<std::string> sources;
  for (const auto& e : std::filesystem::directory_iterator(test::shared_path("templates")))
    if (e.path().extension() == ".jinja") sources.push_back(*read_file(e.path().string()));
  std::sort(sources.begin(), sources.end());
  ASSERT_FALSE(sources.empty());
  const nlohmann::ordered_json messages = nlohmann::ordered_json::parse(
      R"([{"role":"system","content":"s"},{"role":"user","content":"你好"},{"role":"assistant","content":"<think>x</think>y"},{"role":"user","content":"q"}])");
  static const char* const kSnippets[] = {"{{", "}}", "{%", "%}", "{#", "#}", "{%-", "-%}", "(", ")", "[", "]", "'", "\"",
                                          "|", ".", "loop", "ns", "endfor", "endif", "\\", "\n", "**", "~", "%"};
  std::mt19937 rng(1234);
  RenderLimits limits;
  limits.max_steps = 200000;
  limits.max_output_bytes = 1 << 20;
  int rendered = 0, failed = 0;
  for (int iter = 0; iter < 1500; ++iter) {
    std::string src = sources[rng() % sources.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits && !src.empty(); ++k) {
      const size_t at = rng() % src.size();
      switch (rng() % 3) {
        case 0: src.erase(at, 1 + rng() % 8); break;
        case 1: src.insert(at, src.substr(at, std::min<size_t>(src.size() - at, 1 + rng() % 40))); break;
        default: src.insert(at, kSnippets[rng() % std::size(kSnippets)]);
      }
    }
    auto t = ChatTemplate::parse(src);
    if (!t.ok()) {
      EXPECT_FALSE(t.error().message.empty());
      ++failed;
      continue;
    }
    t->set_limits(limits);
    auto r = t->render(messages, true, nullptr, "<s>", "</s>");
    if (r.ok()) ++rendered;
    else ++failed;
  }
  std::printf("mutated templates: %d rendered, %d failed cleanly\n", rendered, failed);
  EXPECT_EQ(rendered + failed, 1500);
}

}  // namespace
}  // namespace ls::chat
