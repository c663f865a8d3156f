// gen-model: the tiny shape loads and runs, the same seed gives the same file and the same tokens,
// another seed another file; real shapes have the exact tensor sizes; --vocab copies and pads.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_run.h"
#include "gguf/gguf_file.h"
#include "test_support.h"
#include "tools/model_shapes.h"
#include "tools/random_model.h"

namespace ls::tools {
namespace {

namespace fs = std::filesystem;
// Tools tests read JSON from stdout: stderr (progress) is discarded unless asked for.
constexpr auto run = [](const std::string& args, bool with_stderr = false) {
  return ls::test::run_cli(args, with_stderr);
};

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("ls-genmodel-" + std::to_string(::getpid()) + "-" + name)).string();
}

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

TEST(GenModel, TinyIsDeterministicAndRuns) {
  const std::string a = temp_path("a.gguf"), b = temp_path("b.gguf"), c = temp_path("c.gguf");
  ASSERT_EQ(run("gen-model --shape tiny --seed 5 --type Q4_K_M " + a).exit_code, 0);
  ASSERT_EQ(run("gen-model --shape tiny --seed 5 --type Q4_K_M -t 1 " + b).exit_code, 0);
  ASSERT_EQ(run("gen-model --shape tiny --seed 6 --type Q4_K_M " + c).exit_code, 0);
  EXPECT_EQ(slurp(a), slurp(b)) << "same seed, different threads: the same file";
  EXPECT_NE(slurp(a), slurp(c));

  const auto r1 = run("run -m " + a + " -p 'the rain in' -n 6 --temp 0 -t 2 --json");
  const auto r2 = run("run -m " + b + " -p 'the rain in' -n 6 --temp 0 -t 1 --json");
  ASSERT_EQ(r1.exit_code, 0) << r1.out;
  ASSERT_EQ(r2.exit_code, 0) << r2.out;
  const auto j1 = nlohmann::json::parse(r1.out), j2 = nlohmann::json::parse(r2.out);
  EXPECT_EQ(j1["ids"].size(), 6u);
  EXPECT_EQ(j1["ids"], j2["ids"]);

  auto f = gguf::File::open(a);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->get_int("general.file_type").value(), 15);
  EXPECT_EQ(gguf::type_name(f->find_tensor("output.weight")->type), "q6_K");
  EXPECT_EQ(gguf::type_name(f->find_tensor("blk.0.attn_norm.weight")->type), "f32");
  for (const auto& p : {a, b, c}) fs::remove(p);
}

TEST(GenModel, VocabIsCopiedAndPaddedLikeConvertHfToGguf) {
  LS_REQUIRE_ASSET("vocab/ggml-vocab-deepseek-r1-qwen.gguf");
  GenModelOptions o;
  o.shape = "tiny-r1-vocab";
  o.vocab_path = test::shared_path("vocab/ggml-vocab-deepseek-r1-qwen.gguf");
  o.output = temp_path("v.gguf");
  o.file_type = "Q4_0";
  const auto r = generate_model(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto f = gguf::File::open(o.output);
  ASSERT_TRUE(f.ok());
  const auto tokens = f->get_string_array("tokenizer.ggml.tokens");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 151936u);
  EXPECT_EQ((*tokens)[151665], "[PAD151665]");
  EXPECT_EQ(f->get_int_array("tokenizer.ggml.token_type")->back(), 5);
  EXPECT_EQ(f->get_int("tokenizer.ggml.eos_token_id").value(), 151643);
  EXPECT_EQ(gguf::type_name(f->find_tensor("output.weight")->type), "q6_K");  // llama.cpp's output rule
  EXPECT_EQ(gguf::type_name(f->find_tensor("token_embd.weight")->type), "q4_0");
  // The real tokenizer works on it: the prompt tokenizes to real Qwen ids and generation runs.
  const auto out = run("run -m " + o.output + " -p 'Hello world' -n 3 --temp 0 -t 2 --json");
  ASSERT_EQ(out.exit_code, 0) << out.out;
  const auto j = nlohmann::json::parse(out.out);
  EXPECT_EQ(j["ids"].size(), 3u);
  EXPECT_EQ(j["prompt_ids"].back(), 1879);  // " world" in the Qwen2 vocabulary
  fs::remove(o.output);
}

TEST(GenModel, RealShapesAreExact) {
  const auto s = find_shape("qwen2", "r1-distill-qwen-1.5b");
  ASSERT_TRUE(s.has_value());
  int64_t params = 0;
  for (const TensorSpec& t : tensor_specs(*s)) {
    int64_t n = 1;
    for (int64_t d : t.ne) n *= d;
    params += n;
  }
  EXPECT_EQ(params, 1777088000);  // DeepSeek-R1-Distill-Qwen-1.5B (untied output)
  EXPECT_EQ(tensor_specs(*s).size(), 2u + 1u + 28u * 12u);
  EXPECT_FALSE(find_shape("qwen2", "nope").has_value());
  // Qwen2-0.5B ties its output to the embeddings: 494M parameters, no output.weight.
  const auto small = find_shape("qwen2", "qwen2-0.5b");
  ASSERT_TRUE(small.has_value());
  params = 0;
  for (const TensorSpec& t : tensor_specs(*small)) {
    EXPECT_NE(t.name, "output.weight");
    int64_t n = 1;
    for (int64_t d : t.ne) n *= d;
    params += n;
  }
  EXPECT_EQ(params, 494032768);
  const auto bad = run("gen-model --shape nope /dev/null", true);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("r1-distill-qwen-1.5b"), std::string::npos) << bad.out;
}

}  // namespace
}  // namespace ls::tools
