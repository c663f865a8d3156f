// The chat templates embedded in the shared vocabulary GGUFs (tokenizer.chat_template, as the
// runtime reads them) render as Python Jinja2 renders them (expected outputs in
// data/gguf_template_cases.json, made by data/make_gguf_template_cases.py).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "chat/chat_template.h"
#include "golden_support.h"
#include "gguf/gguf_file.h"

namespace ls::chat {
namespace {

TEST(GgufChatTemplate, EmbeddedTemplatesRenderLikeJinja2) {
  LS_REQUIRE_ASSET("vocab/ggml-vocab-deepseek-r1-qwen.gguf");
  std::ifstream in(test::source_dir() + "/tests/chat/data/gguf_template_cases.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const auto cases = nlohmann::ordered_json::parse(ss.str());
  ASSERT_GE(cases.size(), 5u);
  std::map<std::string, ChatTemplate> templates;
  int passed = 0;
  for (const auto& c : cases) {
    const std::string vocab = c["vocab"].get<std::string>();
    SCOPED_TRACE(vocab + " " + c["case"].get<std::string>());
    if (templates.count(vocab) == 0) {
      auto file = gguf::File::open(test::shared_path("vocab/" + vocab));
      ASSERT_TRUE(file.ok()) << file.error().message;
      auto source = file->get_string("tokenizer.chat_template");
      ASSERT_TRUE(source.ok()) << source.error().message;
      auto t = ChatTemplate::parse(*source);
      ASSERT_TRUE(t.ok()) << t.error().message;
      templates.emplace(vocab, std::move(t).value());
    }
    const auto& ctx = c["context"];
    auto r = templates.at(vocab).render(ctx["messages"], ctx.value("add_generation_prompt", false),
                                        ctx.contains("tools") ? ctx["tools"] : nlohmann::ordered_json(),
                                        c["bos_token"].get<std::string>(), c["eos_token"].get<std::string>());
    if (c.contains("error")) {
      EXPECT_FALSE(r.ok());
      if (!r.ok()) ++passed;
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, c["rendered"].get<std::string>());
    if (*r == c["rendered"].get<std::string>()) ++passed;
  }
  std::printf("GGUF-embedded chat templates: %d/%zu renderings match\n", passed, cases.size());
}

}  // namespace
}  // namespace ls::chat
