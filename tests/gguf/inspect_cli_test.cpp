// End to end: `localseek inspect` on shared files, checking the JSON fields against the README.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_run.h"
#include "test_support.h"

namespace {

using ls::test::CliRun;
constexpr auto run = [](const std::string& args) { return ls::test::run_cli(args); };

TEST(InspectCli, JsonOfAQuantizedModel) {
  LS_REQUIRE_ASSET("models/tiny-qwen2-q4_k_m.gguf");
  const std::string path = ls::test::shared_path("models/tiny-qwen2-q4_k_m.gguf");
  CliRun r = run("inspect --json --tensors " + ls::test::shell_quote(path));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["path"], path);
  EXPECT_EQ(j["gguf_version"], 3);
  EXPECT_EQ(j["file_size"], 1147296);
  EXPECT_EQ(j["architecture"], "qwen2");
  EXPECT_EQ(j["file_type"]["id"], 15);
  EXPECT_EQ(j["file_type"]["name"], "Q4_K_M");
  EXPECT_EQ(j["tensor_count"], 27);
  EXPECT_EQ(j["hyperparameters"]["embedding_length"], 256);
  EXPECT_EQ(j["hyperparameters"]["feed_forward_length"], 768);
  EXPECT_EQ(j["hyperparameters"]["attention.head_count"], 4);
  EXPECT_EQ(j["hyperparameters"]["attention.head_count_kv"], 2);
  EXPECT_EQ(j["hyperparameters"]["context_length"], 512);
  EXPECT_DOUBLE_EQ(j["hyperparameters"]["rope.freq_base"].get<double>(), 1e6);
  EXPECT_EQ(j["tokenizer"]["model"], "llama");
  EXPECT_EQ(j["tokenizer"]["vocab_size"], 512);
  EXPECT_EQ(j["tokenizer"]["special_tokens"]["bos"]["id"], 1);
  EXPECT_EQ(j["tokenizer"]["special_tokens"]["bos"]["text"], "<s>");
  EXPECT_EQ(j["tokenizer"]["special_tokens"]["eos"]["text"], "</s>");
  EXPECT_TRUE(j["chat_template"].is_null());
  std::map<std::string, int> counts;
  for (const auto& t : j["tensor_types"]) counts[t["type"]] = t["count"];
  EXPECT_EQ(counts, (std::map<std::string, int>{{"q4_K", 13}, {"q6_K", 3}, {"f32", 11}}));
  ASSERT_EQ(j["tensors"].size(), 27u);
  uint64_t params = 0;
  for (const auto& t : j["tensors"]) params += t["elements"].get<uint64_t>();
  EXPECT_EQ(j["parameters"], params);
  bool found = false;
  for (const auto& t : j["tensors"]) {
    if (t["name"] == "output.weight") {
      found = true;
      EXPECT_EQ(t["type"], "q6_K");
      EXPECT_EQ(t["shape"], nlohmann::json({256, 512}));
      EXPECT_EQ(t["bytes"], 512 * 210);
      EXPECT_EQ(t["offset"].get<uint64_t>() % 32, 0u);
    }
  }
  EXPECT_TRUE(found);
}

TEST(InspectCli, VocabularyWithChatTemplate) {
  LS_REQUIRE_ASSET("vocab/ggml-vocab-deepseek-r1-qwen.gguf");
  CliRun r = run("inspect --json " + ls::test::shell_quote(ls::test::shared_path("vocab/ggml-vocab-deepseek-r1-qwen.gguf")));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["tensor_count"], 0);
  EXPECT_EQ(j["parameters"], 0);
  EXPECT_EQ(j["tokenizer"]["model"], "gpt2");
  EXPECT_EQ(j["tokenizer"]["pre"], "deepseek-r1-qwen");
  EXPECT_EQ(j["tokenizer"]["add_bos_token"], true);
  EXPECT_EQ(j["tokenizer"]["special_tokens"]["bos"]["text"], "<\xEF\xBD\x9C" "begin\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>");
  ASSERT_TRUE(j["chat_template"].is_string());
  EXPECT_NE(j["chat_template"].get<std::string>().find("<\xEF\xBD\x9C" "Assistant\xEF\xBD\x9C>"), std::string::npos);
  EXPECT_FALSE(j.contains("tensors"));
}

TEST(InspectCli, HumanOutputNamesTheEssentials) {
  LS_REQUIRE_ASSET("models/stories260K-q8_0.gguf");
  CliRun r = run("inspect --tensors --metadata " + ls::test::shell_quote(ls::test::shared_path("models/stories260K-q8_0.gguf")));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* s : {"GGUF v3", "architecture    llama", "Q8_0 (7)", "292,800", "block_count", "feed_forward_length",
                        "172", "tokenizer       llama, 512 tokens", "blk.0.ffn_down.weight", "f16",
                        "tokenizer.ggml.tokens"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
  }
}

TEST(InspectCli, ErrorsExitNonZeroAndNameTheFile) {
  CliRun missing = run("inspect /nonexistent/model.gguf");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.out.find("/nonexistent/model.gguf"), std::string::npos) << missing.out;
  CliRun notgguf = run("inspect '" + ls::test::source_dir() + "/CMakeLists.txt'");
  EXPECT_NE(notgguf.exit_code, 0);
  EXPECT_NE(notgguf.out.find("bad magic"), std::string::npos) << notgguf.out;
}

}  // namespace
