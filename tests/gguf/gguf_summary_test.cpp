#include "gguf/gguf_summary.h"

#include <map>

#include <gtest/gtest.h>

#include "gguf/gguf_writer.h"
#include "test_support.h"

namespace ls::gguf {
namespace {

TEST(GgufSummary, FileTypeNames) {
  EXPECT_EQ(file_type_name(0), "F32");
  EXPECT_EQ(file_type_name(15), "Q4_K_M");
  EXPECT_EQ(file_type_name(32), "BF16");
  EXPECT_EQ(file_type_name(38), "MXFP4_MOE");
  EXPECT_FALSE(file_type_name(5).has_value());   // removed Q4_2
  EXPECT_FALSE(file_type_name(33).has_value());  // removed Q4_0_4_4
  EXPECT_FALSE(file_type_name(-1).has_value());
  EXPECT_FALSE(file_type_name(1000).has_value());
}

TEST(GgufSummary, Qwen2Model) {
  LS_REQUIRE_ASSET("models/tiny-qwen2-q4_k_m.gguf");
  auto f = File::open(test::shared_path("models/tiny-qwen2-q4_k_m.gguf"));
  ASSERT_TRUE(f.ok()) << f.error().message;
  const Summary s = summarize(*f);
  EXPECT_EQ(s.architecture, "qwen2");
  EXPECT_EQ(s.file_type, 15);
  // Shapes from the README: embd 256, ff 768, 2 layers, 4 heads x 64, 2 KV heads, vocab 512, biases, untied output.
  const uint64_t per_layer = 256 * 256 * 2 + 256 * 128 * 2 + 256 + 128 * 2 + 3 * 256 * 768 + 2 * 256;
  EXPECT_EQ(s.parameters, 2 * 256 * 512 + 256 + 2 * per_layer);
  ASSERT_EQ(s.types.size(), 3u);
  EXPECT_EQ(s.types[0].type, GgmlType::Q4_K);  // sorted by bytes
  EXPECT_EQ(s.types[0].count, 13u);
  uint64_t bytes = 0;
  for (const auto& t : s.types) bytes += t.bytes;
  EXPECT_EQ(bytes, s.tensor_bytes);
  std::map<std::string, std::string> hp;
  for (const auto& h : s.hyper_parameters) hp[h.name] = h.value->to_display();
  EXPECT_EQ(hp["block_count"], "2");
  EXPECT_EQ(hp["attention.head_count_kv"], "2");
  EXPECT_EQ(hp["rope.freq_base"], "1e+06");
  EXPECT_EQ(s.tokenizer_model, "llama");
  EXPECT_EQ(s.vocab_size, 512u);
  ASSERT_GE(s.special_tokens.size(), 3u);
  EXPECT_EQ(s.special_tokens[0].role, "bos");
  EXPECT_EQ(s.special_tokens[0].id, 1);
  EXPECT_EQ(s.special_tokens[0].text, "<s>");
  EXPECT_FALSE(s.add_bos.has_value());
  EXPECT_EQ(s.chat_template, nullptr);
}

TEST(GgufSummary, ParameterCountsFromTheReadme) {
  const std::pair<const char*, uint64_t> kCounts[] = {
      {"scifact-lm-q8_0.gguf", 2098432}, {"tiny-bert-f16.gguf", 4369408}, {"tiny-bert-rerank-q8_0.gguf", 4386049}};
  for (const auto& [file, params] : kCounts) {
    const std::string rel = std::string("models/") + file;
    LS_REQUIRE_ASSET(rel);
    auto f = File::open(test::shared_path(rel));
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(summarize(*f).parameters, params) << file;
  }
  auto bert = File::open(test::shared_path("models/tiny-bert-f16.gguf"));
  ASSERT_TRUE(bert.ok());
  const Summary s = summarize(*bert);
  EXPECT_EQ(s.tokenizer_model, "bert");
  EXPECT_EQ(s.tokenizer_pre, "bert-bge");
  std::map<std::string, std::pair<int64_t, std::string>> special;
  for (const auto& t : s.special_tokens) special[t.role] = {t.id, t.text.value_or("?")};
  EXPECT_EQ(special["cls"], (std::pair<int64_t, std::string>{101, "[CLS]"}));
  EXPECT_EQ(special["sep"], (std::pair<int64_t, std::string>{102, "[SEP]"}));
  EXPECT_EQ(special["mask"], (std::pair<int64_t, std::string>{103, "[MASK]"}));
  EXPECT_EQ(special.count("bos"), 0u);
}

TEST(GgufSummary, SpecialTokenOutsideVocabularyAndTemplate) {
  Writer w;
  w.set("general.architecture", std::string("x"));
  w.set("x.block_count", uint32_t{3});
  w.set("tokenizer.ggml.tokens", Array{ValueType::STRING, {std::string("a"), std::string("b")}});
  w.set("tokenizer.ggml.eos_token_id", uint32_t{7});
  w.set("tokenizer.ggml.add_eos_token", true);
  w.set("tokenizer.chat_template", std::string("{{ x }}\nline2"));
  const auto b = w.to_bytes();
  auto f = File::parse(b.data(), b.size(), "mem");
  ASSERT_TRUE(f.ok()) << f.error().message;
  const Summary s = summarize(*f);
  ASSERT_EQ(s.special_tokens.size(), 1u);
  EXPECT_EQ(s.special_tokens[0].role, "eos");
  EXPECT_FALSE(s.special_tokens[0].text.has_value());
  EXPECT_EQ(s.add_eos, true);
  ASSERT_NE(s.chat_template, nullptr);
  EXPECT_EQ(*s.chat_template, "{{ x }}\nline2");
  ASSERT_EQ(s.hyper_parameters.size(), 1u);
  EXPECT_EQ(s.hyper_parameters[0].name, "block_count");
  EXPECT_EQ(s.parameters, 0u);
}

}  // namespace
}  // namespace ls::gguf
