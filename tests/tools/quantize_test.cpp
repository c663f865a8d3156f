// `localseek quantize` against llama-quantize: the shared tiny-qwen2-<type>.gguf (and scifact-lm,
// stories260K) files were made by llama.cpp from the shared F32 files without an importance matrix.
// Quantising the same F32 file must give every tensor the same type and the same bytes.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "gguf/gguf_file.h"
#include "test_support.h"
#include "tools/quant_plan.h"
#include "tools/quantize_model.h"

namespace ls::tools {
namespace {

namespace fs = std::filesystem;

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("ls-quantize-" + std::to_string(::getpid()) + "-" + name)).string();
}

struct Case {
  const char* source;
  const char* reference;
  const char* type;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.reference; }

class MatchesLlamaQuantize : public ::testing::TestWithParam<Case> {};

TEST_P(MatchesLlamaQuantize, SameTensorTypesAndBytes) {
  const Case c = GetParam();
  const std::string src = std::string("models/") + c.source + ".gguf";
  const std::string ref = std::string("models/") + c.reference + ".gguf";
  LS_REQUIRE_ASSET(src);
  LS_REQUIRE_ASSET(ref);
  const std::string out = temp_path(std::string(c.reference) + ".gguf");
  QuantizeOptions o;
  o.input = test::shared_path(src);
  o.output = out;
  o.file_type = c.type;
  o.threads = 2;
  const auto r = quantize_model(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto mine = gguf::File::open(out);
  auto theirs = gguf::File::open(test::shared_path(ref));
  ASSERT_TRUE(mine.ok() && theirs.ok());
  ASSERT_EQ(mine->tensors().size(), theirs->tensors().size());
  int exact = 0;
  for (size_t i = 0; i < theirs->tensors().size(); ++i) {
    const gguf::TensorInfo& t = theirs->tensors()[i];
    const gguf::TensorInfo& m = mine->tensors()[i];
    EXPECT_EQ(m.name, t.name) << "tensor order differs at " << i;
    EXPECT_EQ(gguf::type_name(m.type), gguf::type_name(t.type)) << t.name;
    EXPECT_EQ(m.ne, t.ne) << t.name;
    const bool same = m.nbytes == t.nbytes && std::memcmp(m.data, t.data, t.nbytes) == 0;
    EXPECT_TRUE(same) << t.name << " bytes differ";
    exact += same;
  }
  std::printf("[ %s ] %d/%zu tensors byte-exact\n", c.reference, exact, theirs->tensors().size());
  const auto ft = file_type_from_name(c.type);
  ASSERT_TRUE(ft.has_value());
  EXPECT_EQ(mine->get_int("general.file_type").value(), static_cast<int64_t>(ft->llama_ftype));
  EXPECT_EQ(mine->get_int("general.file_type").value(), theirs->get_int("general.file_type").value());
  fs::remove(out);
}

constexpr const char* kQwen = "tiny-qwen2-f32";

INSTANTIATE_TEST_SUITE_P(
    Files, MatchesLlamaQuantize,
    ::testing::Values(Case{kQwen, "tiny-qwen2-f16", "F16"}, Case{kQwen, "tiny-qwen2-bf16", "BF16"},
                      Case{kQwen, "tiny-qwen2-q8_0", "Q8_0"}, Case{kQwen, "tiny-qwen2-q4_0", "Q4_0"},
                      Case{kQwen, "tiny-qwen2-q4_1", "Q4_1"}, Case{kQwen, "tiny-qwen2-q5_0", "Q5_0"},
                      Case{kQwen, "tiny-qwen2-q5_1", "Q5_1"}, Case{kQwen, "tiny-qwen2-q2_k", "Q2_K"},
                      Case{kQwen, "tiny-qwen2-q3_k_m", "Q3_K_M"}, Case{kQwen, "tiny-qwen2-q4_k_m", "Q4_K_M"},
                      Case{kQwen, "tiny-qwen2-q5_k_m", "Q5_K_M"}, Case{kQwen, "tiny-qwen2-q6_k", "Q6_K"},
                      Case{"scifact-lm-f32", "scifact-lm-q8_0", "Q8_0"},
                      Case{"scifact-lm-f32", "scifact-lm-q4_k_m", "Q4_K_M"},
                      Case{"stories260K-f32", "stories260K-q8_0", "Q8_0"}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string s = info.param.reference;
      for (char& ch : s) ch = (ch == '-' ? '_' : ch);
      return s;
    });

TEST(Quantize, RefusesToOverwriteItsInput) {
  LS_REQUIRE_ASSET("models/tiny-qwen2-f32.gguf");
  QuantizeOptions o;
  o.input = test::shared_path("models/tiny-qwen2-f32.gguf");
  o.output = o.input;
  o.file_type = "Q8_0";
  const auto r = quantize_model(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("overwrite"), std::string::npos) << r.error().message;
}

TEST(Quantize, RejectsUnknownTargetAndQuantisedInput) {
  LS_REQUIRE_ASSET("models/tiny-qwen2-q8_0.gguf");
  QuantizeOptions o;
  o.input = test::shared_path("models/tiny-qwen2-q8_0.gguf");
  o.output = temp_path("never.gguf");
  o.file_type = "Q7_X";
  auto r = quantize_model(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("Q4_K_M"), std::string::npos) << r.error().message;  // lists what works
  o.file_type = "Q4_K_M";
  r = quantize_model(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("q8_0"), std::string::npos) << r.error().message;
  EXPECT_FALSE(fs::exists(o.output));
}

TEST(TypePlanner, UseMoreBitsLayersOfQ4KM) {
  // 28 layers as in R1-Distill-Qwen: llama.cpp gives ffn_down Q6_K in layers 0-2, 5, 8, ..., 24-27.
  ModelFacts f;
  f.arch = "qwen2";
  f.n_layer = 28;
  f.n_head = 12;
  f.n_head_kv = 2;
  f.has_output = true;
  f.n_attention_wv = 28;
  TypePlanner p(*file_type_from_name("Q4_K_M"), f);
  std::string q6;
  for (int i = 0; i < 28; ++i) {
    const auto t = p.choose("blk." + std::to_string(i) + ".ffn_down.weight", {8960, 1536}, gguf::GgmlType::F32);
    ASSERT_TRUE(t.ok());
    if (*t == gguf::GgmlType::Q6_K) q6 += std::to_string(i) + " ";
  }
  EXPECT_EQ(q6, "0 1 2 5 8 11 14 17 20 23 24 25 26 27 ");
  EXPECT_EQ(*p.choose("output.weight", {1536, 151936}, gguf::GgmlType::F32), gguf::GgmlType::Q6_K);
  EXPECT_EQ(*p.choose("blk.0.attn_norm.weight", {1536}, gguf::GgmlType::F32), gguf::GgmlType::F32);
}

}  // namespace
}  // namespace ls::tools
