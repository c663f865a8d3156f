// Vocab::from_gguf on small GGUF files written in memory: defaults per model, keys that override
// them, and malformed vocabularies rejected with messages naming the key (never a crash).
#include <gtest/gtest.h>

#include <functional>

#include "gguf/gguf_writer.h"
#include "tokenizer/tokenizer.h"

namespace ls::tok {
namespace {

using gguf::Array;
using gguf::Value;
using gguf::ValueType;

Array strings(const std::vector<std::string>& xs) {
  Array a{ValueType::STRING, {}};
  for (const auto& x : xs) a.items.emplace_back(x);
  return a;
}
Array ints(const std::vector<int32_t>& xs) {
  Array a{ValueType::INT32, {}};
  for (int32_t x : xs) a.items.emplace_back(x);
  return a;
}
Array floats(const std::vector<float>& xs) {
  Array a{ValueType::FLOAT32, {}};
  for (float x : xs) a.items.emplace_back(x);
  return a;
}

// A valid SentencePiece vocabulary; tests change one key at a time.
gguf::Writer spm_writer() {
  gguf::Writer w;
  w.set("general.architecture", Value(std::string("llama")));
  w.set("tokenizer.ggml.model", Value(std::string("llama")));
  w.set("tokenizer.ggml.tokens", Value(strings({"<unk>", "<s>", "</s>", "▁a", "a", "▁"})));
  w.set("tokenizer.ggml.scores", Value(floats({0, 0, 0, -1, -2, -3})));
  w.set("tokenizer.ggml.token_type", Value(ints({2, 3, 3, 1, 1, 1})));
  return w;
}

Result<Vocab> load(const gguf::Writer& w, std::vector<uint8_t>& keep) {
  keep = w.to_bytes();
  LS_ASSIGN_OR_RETURN(gguf::File f, gguf::File::parse(keep.data(), keep.size(), "test.gguf"));
  return Vocab::from_gguf(f);
}

TEST(VocabGguf, SpmDefaultsWhenKeysAreAbsent) {
  std::vector<uint8_t> bytes;
  auto v = load(spm_writer(), bytes);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->kind, ModelKind::kSpm);
  EXPECT_TRUE(v->add_bos);
  EXPECT_FALSE(v->add_eos);
  EXPECT_TRUE(v->add_space_prefix);
  EXPECT_EQ(v->bos, 1);
  EXPECT_EQ(v->eos, 2);
  EXPECT_EQ(v->unk, 0);
  auto t = Tokenizer::create(std::move(v).value());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t->tokenize("a"), (std::vector<TokenId>{1, 3}));
}

TEST(VocabGguf, KeysOverrideDefaults) {
  auto w = spm_writer();
  w.set("tokenizer.ggml.add_bos_token", Value(false));
  w.set("tokenizer.ggml.add_eos_token", Value(true));
  w.set("tokenizer.ggml.add_space_prefix", Value(false));
  w.set("tokenizer.ggml.eos_token_id", Value(uint32_t{5}));
  w.set("tokenizer.ggml.bos_token_id", Value(uint32_t{999}));  // out of range: default stays
  std::vector<uint8_t> bytes;
  auto v = load(w, bytes);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_FALSE(v->add_bos);
  EXPECT_TRUE(v->add_eos);
  EXPECT_FALSE(v->add_space_prefix);
  EXPECT_EQ(v->eos, 5);
  EXPECT_EQ(v->bos, 1);
  auto t = Tokenizer::create(std::move(v).value());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t->tokenize("a"), (std::vector<TokenId>{4, 5}));
}

TEST(VocabGguf, BertUsesClsAsBosAndAppendsSep) {
  gguf::Writer w;
  w.set("tokenizer.ggml.model", Value(std::string("bert")));
  w.set("tokenizer.ggml.tokens", Value(strings({"[PAD]", "[UNK]", "[CLS]", "[SEP]", "▁hi"})));
  w.set("tokenizer.ggml.token_type", Value(ints({3, 2, 3, 3, 1})));
  w.set("tokenizer.ggml.unknown_token_id", Value(uint32_t{1}));
  w.set("tokenizer.ggml.cls_token_id", Value(uint32_t{2}));
  w.set("tokenizer.ggml.seperator_token_id", Value(uint32_t{3}));
  std::vector<uint8_t> bytes;
  auto v = load(w, bytes);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->bos, 2);
  auto t = Tokenizer::create(std::move(v).value());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t->tokenize("Hi there"), (std::vector<TokenId>{2, 4, 1, 3}));
}

TEST(VocabGguf, MalformedVocabulariesAreErrors) {
  struct Case {
    const char* what;
    std::function<void(gguf::Writer&)> change;
    const char* expect;  // part of the message
  };
  const std::vector<Case> cases = {
      {"unknown model", [](gguf::Writer& w) { w.set("tokenizer.ggml.model", Value(std::string("rwkv"))); },
       "rwkv"},
      {"tokens not an array", [](gguf::Writer& w) { w.set("tokenizer.ggml.tokens", Value(std::string("x"))); },
       "tokenizer.ggml.tokens"},
      {"tokens of the wrong type", [](gguf::Writer& w) { w.set("tokenizer.ggml.tokens", Value(ints({1, 2}))); },
       "tokenizer.ggml.tokens"},
      {"type count mismatch", [](gguf::Writer& w) { w.set("tokenizer.ggml.token_type", Value(ints({1}))); },
       "token_type"},
      {"score count mismatch", [](gguf::Writer& w) { w.set("tokenizer.ggml.scores", Value(floats({1}))); },
       "scores"},
      {"empty vocabulary", [](gguf::Writer& w) {
         w.set("tokenizer.ggml.tokens", Value(strings({})));
         w.set("tokenizer.ggml.scores", Value(floats({})));
         w.set("tokenizer.ggml.token_type", Value(ints({})));
       },
       "empty"},
      {"bpe without merges", [](gguf::Writer& w) { w.set("tokenizer.ggml.model", Value(std::string("gpt2"))); },
       "merges"},
      {"unknown pre-tokenizer", [](gguf::Writer& w) {
         w.set("tokenizer.ggml.model", Value(std::string("gpt2")));
         w.set("tokenizer.ggml.pre", Value(std::string("klingon")));
       },
       "klingon"},
  };
  for (const Case& c : cases) {
    auto w = spm_writer();
    c.change(w);
    std::vector<uint8_t> bytes;
    auto v = load(w, bytes);
    ASSERT_FALSE(v.ok()) << c.what;
    EXPECT_NE(v.error().message.find(c.expect), std::string::npos)
        << c.what << ": " << v.error().message;
  }
  gguf::Writer none;
  none.set("general.architecture", Value(std::string("llama")));
  std::vector<uint8_t> bytes;
  auto v = load(none, bytes);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("tokenizer.ggml.model"), std::string::npos) << v.error().message;
}

}  // namespace
}  // namespace ls::tok
