// Every shared model and vocabulary file parses, with the counts and types its README documents.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "gguf/gguf_file.h"
#include "test_support.h"

namespace ls::gguf {
namespace {

using TypeCounts = std::map<GgmlType, int>;

TypeCounts count_types(const File& f) {
  TypeCounts c;
  for (const auto& t : f.tensors()) c[t.type]++;
  return c;
}

struct ModelFacts {
  const char* file;
  size_t n_tensors;
  int64_t file_type;
  TypeCounts types;
};

using T = GgmlType;
// From ../shared/models/README.md (1-D tensors are always F32).
const ModelFacts kModels[] = {
    {"tiny-qwen2-f32.gguf", 27, 0, {{T::F32, 27}}},
    {"tiny-qwen2-f16.gguf", 27, 1, {{T::F16, 16}, {T::F32, 11}}},
    {"tiny-qwen2-bf16.gguf", 27, 32, {{T::BF16, 16}, {T::F32, 11}}},
    {"tiny-qwen2-q8_0.gguf", 27, 7, {{T::Q8_0, 16}, {T::F32, 11}}},
    {"tiny-qwen2-q4_0.gguf", 27, 2, {{T::Q6_K, 1}, {T::Q4_0, 15}, {T::F32, 11}}},
    {"tiny-qwen2-q4_1.gguf", 27, 3, {{T::Q6_K, 1}, {T::Q4_1, 15}, {T::F32, 11}}},
    {"tiny-qwen2-q5_0.gguf", 27, 8, {{T::Q6_K, 1}, {T::Q5_0, 15}, {T::F32, 11}}},
    {"tiny-qwen2-q5_1.gguf", 27, 9, {{T::Q6_K, 1}, {T::Q5_1, 15}, {T::F32, 11}}},
    {"tiny-qwen2-q2_k.gguf", 27, 10, {{T::Q6_K, 1}, {T::Q3_K, 6}, {T::Q2_K, 9}, {T::F32, 11}}},
    {"tiny-qwen2-q3_k_m.gguf", 27, 12, {{T::Q6_K, 1}, {T::Q5_K, 2}, {T::Q4_K, 4}, {T::Q3_K, 9}, {T::F32, 11}}},
    {"tiny-qwen2-q4_k_m.gguf", 27, 15, {{T::Q6_K, 3}, {T::Q4_K, 13}, {T::F32, 11}}},
    {"tiny-qwen2-q5_k_m.gguf", 27, 17, {{T::Q6_K, 3}, {T::Q5_K, 13}, {T::F32, 11}}},
    {"tiny-qwen2-q6_k.gguf", 27, 18, {{T::Q6_K, 16}, {T::F32, 11}}},
    {"stories260K-f32.gguf", 48, 0, {{T::F32, 48}}},
    {"stories260K-q8_0.gguf", 48, 7, {{T::Q8_0, 32}, {T::F16, 5}, {T::F32, 11}}},
    {"scifact-lm-f32.gguf", 21, 0, {{T::F32, 21}}},
    {"scifact-lm-q8_0.gguf", 21, 7, {{T::Q8_0, 16}, {T::F32, 5}}},
    {"scifact-lm-q4_k_m.gguf", 21, 15, {{T::Q6_K, 3}, {T::Q4_K, 13}, {T::F32, 5}}},
    {"tiny-llama-f16.gguf", 21, 1, {{T::F16, 16}, {T::F32, 5}}},
    {"tiny-llama-q8_0.gguf", 21, 7, {{T::Q8_0, 16}, {T::F32, 5}}},
    {"tiny-llama-q4_k_m.gguf", 21, 15, {{T::Q6_K, 3}, {T::Q4_K, 13}, {T::F32, 5}}},
    {"tiny-qwen3-f16.gguf", 24, 1, {{T::F16, 15}, {T::F32, 9}}},
    {"tiny-qwen3-q8_0.gguf", 24, 7, {{T::Q8_0, 15}, {T::F32, 9}}},
    {"tiny-qwen3-q4_k_m.gguf", 24, 15, {{T::Q6_K, 3}, {T::Q4_K, 12}, {T::F32, 9}}},
    {"tiny-qwen3-embed-f16.gguf", 24, 1, {{T::F16, 15}, {T::F32, 9}}},
    {"tiny-bert-f16.gguf", 37, 1, {{T::F16, 14}, {T::F32, 23}}},
    {"tiny-bert-q8_0.gguf", 37, 7, {{T::Q8_0, 13}, {T::F32, 24}}},
    {"tiny-bert-rerank-q8_0.gguf", 41, 7, {{T::Q8_0, 14}, {T::F32, 27}}},
};

TEST(GgufReader, ModelTableCoversTheSharedFolder) {
  LS_REQUIRE_ASSET("models");
  std::set<std::string> listed;
  for (const auto& m : kModels) listed.insert(m.file);
  for (const auto& e : std::filesystem::directory_iterator(test::shared_path("models"))) {
    if (e.path().extension() != ".gguf") continue;
    EXPECT_TRUE(listed.count(e.path().filename().string())) << e.path();
  }
}

// Structural invariants every valid file satisfies, whatever its content.
void check_invariants(const File& f) {
  EXPECT_TRUE(f.version() == 2 || f.version() == 3);
  EXPECT_EQ(f.data_offset() % f.alignment(), 0u);
  for (const auto& t : f.tensors()) {
    SCOPED_TRACE(t.name);
    EXPECT_EQ(t.offset % f.alignment(), 0u);
    ASSERT_NE(t.data, nullptr);
    EXPECT_GE(t.data, f.bytes() + f.data_offset());
    EXPECT_LE(t.data + t.nbytes, f.bytes() + f.file_size());
    const auto& tr = traits(t.type);
    EXPECT_EQ(t.nbytes, static_cast<uint64_t>(t.nelements()) / tr.block_size * tr.type_size);
    EXPECT_EQ(f.find_tensor(t.name), &t);
  }
  for (const auto& [k, v] : f.metadata()) EXPECT_EQ(f.find(k), &v);
}

TEST(GgufReader, SharedModelsHaveDocumentedTensorTypes) {
  for (const auto& m : kModels) {
    SCOPED_TRACE(m.file);
    const std::string rel = std::string("models/") + m.file;
    LS_REQUIRE_ASSET(rel);
    auto f = File::open(test::shared_path(rel));
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(f->version(), 3u);
    EXPECT_EQ(f->alignment(), 32u);
    EXPECT_EQ(f->file_size(), std::filesystem::file_size(test::shared_path(rel)));
    EXPECT_EQ(f->tensors().size(), m.n_tensors);
    EXPECT_EQ(count_types(*f), m.types);
    auto ft = f->get_int("general.file_type");
    ASSERT_TRUE(ft.ok()) << ft.error().message;
    EXPECT_EQ(*ft, m.file_type);
    check_invariants(*f);
    // Tensors are packed in order: the last one ends within one alignment of the end of the file.
    uint64_t end = 0;
    for (const auto& t : f->tensors()) end = std::max(end, f->data_offset() + t.offset + t.nbytes);
    EXPECT_LE(f->file_size() - end, f->alignment());
  }
}

TEST(GgufReader, Qwen2HyperParametersAndShapes) {
  LS_REQUIRE_ASSET("models/tiny-qwen2-q4_k_m.gguf");
  auto f = File::open(test::shared_path("models/tiny-qwen2-q4_k_m.gguf"));
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->architecture(), "qwen2");
  EXPECT_EQ(*f->get_int("qwen2.embedding_length"), 256);
  EXPECT_EQ(*f->get_int("qwen2.feed_forward_length"), 768);
  EXPECT_EQ(*f->get_int("qwen2.block_count"), 2);
  EXPECT_EQ(*f->get_int("qwen2.attention.head_count"), 4);
  EXPECT_EQ(*f->get_int("qwen2.attention.head_count_kv"), 2);
  EXPECT_EQ(*f->get_int("qwen2.context_length"), 512);
  EXPECT_DOUBLE_EQ(*f->get_float("qwen2.rope.freq_base"), 1e6);
  EXPECT_NEAR(*f->get_float("qwen2.attention.layer_norm_rms_epsilon"), 1e-6, 1e-12);
  EXPECT_EQ(*f->get_string("tokenizer.ggml.model"), "llama");
  const Array* tokens = f->get_array("tokenizer.ggml.tokens");
  ASSERT_NE(tokens, nullptr);
  EXPECT_EQ(tokens->element_type, ValueType::STRING);
  ASSERT_EQ(tokens->items.size(), 512u);
  EXPECT_EQ(tokens->items[0].as_string(), "<unk>");
  EXPECT_EQ(tokens->items[1].as_string(), "<s>");
  EXPECT_EQ(tokens->items[3].as_string(), "<0x00>");
  EXPECT_EQ(*f->get_int("tokenizer.ggml.bos_token_id"), 1);

  const TensorInfo* embd = f->find_tensor("token_embd.weight");
  ASSERT_NE(embd, nullptr);
  EXPECT_EQ(embd->type, GgmlType::Q4_K);
  EXPECT_EQ(embd->ne, (std::vector<int64_t>{256, 512}));
  EXPECT_EQ(embd->rows(), 512);
  EXPECT_EQ(embd->nbytes, 512u * 144u);
  const TensorInfo* out = f->find_tensor("output.weight");
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->type, GgmlType::Q6_K);
  const TensorInfo* bias = f->find_tensor("blk.0.attn_q.bias");
  ASSERT_NE(bias, nullptr);
  EXPECT_EQ(bias->type, GgmlType::F32);
  EXPECT_EQ(bias->ne, (std::vector<int64_t>{256}));
  EXPECT_EQ(f->find_tensor("no.such.tensor"), nullptr);
}

TEST(GgufReader, TypedGettersReportMissingAndWrongTypes) {
  LS_REQUIRE_ASSET("models/stories260K-q8_0.gguf");
  auto f = File::open(test::shared_path("models/stories260K-q8_0.gguf"));
  ASSERT_TRUE(f.ok()) << f.error().message;
  auto missing = f->get_int("llama.rope.freq_base");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("llama.rope.freq_base"), std::string::npos);
  EXPECT_NE(missing.error().message.find("missing"), std::string::npos);
  EXPECT_DOUBLE_EQ(*f->get_float_or("llama.rope.freq_base", 10000.0), 10000.0);
  auto wrong = f->get_int("general.architecture");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("general.architecture"), std::string::npos);
  EXPECT_NE(wrong.error().message.find("string"), std::string::npos);
  EXPECT_FALSE(f->get_int_or("general.architecture", 3).ok());  // present with the wrong type: an error
  EXPECT_FALSE(f->get_bool("llama.block_count").ok());
  EXPECT_EQ(*f->get_bool_or("tokenizer.ggml.add_bos_token", true), true);
  EXPECT_EQ(*f->get_string_or("no.such.key", "x"), "x");
  EXPECT_EQ(f->get_array("llama.block_count"), nullptr);
  EXPECT_EQ(*f->get_int("llama.block_count"), 5);
  EXPECT_EQ(*f->get_int("llama.feed_forward_length"), 172);
  // ffn_down rows of 172 cannot be Q8_0: they fell back to F16.
  EXPECT_EQ(f->find_tensor("blk.0.ffn_down.weight")->type, GgmlType::F16);
}

// One test per vocabulary file keeps each fast under ASan (the large ones hold 150k merges).
const char* const kVocabFiles[] = {
    "baichuan", "bert-bge", "deepseek-coder", "deepseek-llm", "deepseek-r1-qwen", "falcon", "gpt-2", "gpt-neox",
    "llama-bpe", "llama-spm", "mpt", "phi-3", "qwen2.5", "refact", "starcoder",
};

class VocabFile : public ::testing::TestWithParam<const char*> {};

TEST_P(VocabFile, ParsesWithoutTensors) {
  const std::string rel = std::string("vocab/ggml-vocab-") + GetParam() + ".gguf";
  LS_REQUIRE_ASSET(rel);
  auto f = File::open(test::shared_path(rel));
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_TRUE(f->tensors().empty());
  check_invariants(*f);
  const Array* tokens = f->get_array("tokenizer.ggml.tokens");
  ASSERT_NE(tokens, nullptr);
  EXPECT_EQ(tokens->element_type, ValueType::STRING);
  EXPECT_GT(tokens->items.size(), 1000u);
  for (const char* key : {"tokenizer.ggml.scores", "tokenizer.ggml.token_type"}) {
    if (const Array* a = f->get_array(key)) {
      EXPECT_EQ(a->items.size(), tokens->items.size()) << key;
    }
  }
  EXPECT_TRUE(f->get_string("tokenizer.ggml.model").ok());
}

INSTANTIATE_TEST_SUITE_P(Shared, VocabFile, ::testing::ValuesIn(kVocabFiles),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return n;
                         });

TEST(GgufReader, VocabListCoversTheSharedFolder) {
  LS_REQUIRE_ASSET("vocab");
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::shared_path("vocab"))) {
    n += e.path().extension() == ".gguf";
  }
  EXPECT_EQ(n, std::size(kVocabFiles));
}

TEST(GgufReader, DeepSeekR1QwenVocabulary) {
  LS_REQUIRE_ASSET("vocab/ggml-vocab-deepseek-r1-qwen.gguf");
  auto f = File::open(test::shared_path("vocab/ggml-vocab-deepseek-r1-qwen.gguf"));
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(*f->get_string("tokenizer.ggml.model"), "gpt2");
  EXPECT_EQ(*f->get_string("tokenizer.ggml.pre"), "deepseek-r1-qwen");
  const Array* merges = f->get_array("tokenizer.ggml.merges");
  ASSERT_NE(merges, nullptr);
  EXPECT_GT(merges->items.size(), 100000u);
}

TEST(GgufReader, ArrayGetters) {
  LS_REQUIRE_ASSET("models/tiny-qwen2-f32.gguf");
  auto f = File::open(test::shared_path("models/tiny-qwen2-f32.gguf"));
  ASSERT_TRUE(f.ok()) << f.error().message;
  auto tokens = f->get_string_array("tokenizer.ggml.tokens");
  ASSERT_TRUE(tokens.ok()) << tokens.error().message;
  ASSERT_EQ(tokens->size(), 512u);
  EXPECT_EQ((*tokens)[2], "</s>");
  auto scores = f->get_float_array("tokenizer.ggml.scores");
  ASSERT_TRUE(scores.ok()) << scores.error().message;
  ASSERT_EQ(scores->size(), 512u);
  EXPECT_EQ((*scores)[0], 0.0f);
  EXPECT_EQ((*scores)[300], -41.0f);  // -(id - 259) for merges
  auto types = f->get_int_array("tokenizer.ggml.token_type");
  ASSERT_TRUE(types.ok()) << types.error().message;
  EXPECT_EQ((*types)[0], 2);  // UNKNOWN
  EXPECT_EQ((*types)[1], 3);  // CONTROL
  EXPECT_EQ((*types)[3], 6);  // BYTE
  EXPECT_EQ((*types)[300], 1);
  auto wrong = f->get_int_array("tokenizer.ggml.tokens");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("array of string"), std::string::npos) << wrong.error().message;
  auto scalar = f->get_string_array("qwen2.block_count");
  ASSERT_FALSE(scalar.ok());
  EXPECT_NE(scalar.error().message.find("qwen2.block_count"), std::string::npos);
  EXPECT_EQ(f->get_string_array("absent").error().kind, ErrorKind::kNotFound);
}

TEST(GgufReader, OpenReportsMissingFile) {
  auto f = File::open("/nonexistent/dir/model.gguf");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(f.error().message.find("/nonexistent/dir/model.gguf"), std::string::npos);
}

TEST(GgufValue, DisplayAndConversions) {
  EXPECT_EQ(Value(uint32_t{7}).to_display(), "7");
  EXPECT_EQ(Value(int8_t{-3}).to_display(), "-3");
  EXPECT_EQ(Value(true).to_display(), "true");
  EXPECT_EQ(Value(1e-6f).to_display(), "1e-06");
  EXPECT_EQ(Value(std::string("a\"b\n")).to_display(), "\"a\\\"b\\n\"");
  Array a;
  a.element_type = ValueType::INT32;
  for (int32_t i = 0; i < 10; ++i) a.items.emplace_back(i);
  EXPECT_EQ(Value(a).to_display(3), "[0, 1, 2, \xE2\x80\xA6 (10 items)]");
  EXPECT_EQ(Value(Array{}).to_display(), "[]");

  EXPECT_EQ(Value(uint64_t{1} << 63).to_int(), std::nullopt);
  EXPECT_EQ(Value(uint64_t{1} << 63).to_uint(), uint64_t{1} << 63);
  EXPECT_EQ(Value(int16_t{-5}).to_uint(), std::nullopt);
  EXPECT_EQ(Value(int16_t{-5}).to_int(), -5);
  EXPECT_EQ(Value(2.0).to_int(), 2);
  EXPECT_EQ(Value(2.5).to_int(), std::nullopt);
  EXPECT_EQ(Value(true).to_int(), std::nullopt);
  EXPECT_EQ(Value(std::string("1")).to_double(), std::nullopt);
  EXPECT_TRUE(Value(uint8_t{1}).is_integer());
  EXPECT_FALSE(Value(true).is_integer());
  EXPECT_FALSE(Value(1.0f).is_integer());
  EXPECT_TRUE(Value(1.0f).is_number());
}

}  // namespace
}  // namespace ls::gguf
