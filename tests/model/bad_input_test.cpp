// A model file we cannot run must fail with an error that says why and what is supported, before
// any weight is touched or any large buffer allocated.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "gguf/gguf_writer.h"
#include "model/context.h"
#include "model/model.h"

namespace ls::model {
namespace {

using gguf::GgmlType;

// A one-layer llama-shaped file: n_embd 32, 2 heads, n_ff 64, vocab 16; matrices of `type`.
class TinyFile {
 public:
  explicit TinyFile(std::string arch = "llama", GgmlType type = GgmlType::F32) : arch_(std::move(arch)) {
    w_.set("general.architecture", arch_);
    w_.set(arch_ + ".block_count", uint32_t{1});
    w_.set(arch_ + ".embedding_length", uint32_t{32});
    w_.set(arch_ + ".feed_forward_length", uint32_t{64});
    w_.set(arch_ + ".attention.head_count", uint32_t{2});
    w_.set(arch_ + ".context_length", uint32_t{64});
    w_.set(arch_ + ".attention.layer_norm_rms_epsilon", 1e-5f);
    mat("token_embd.weight", 32, 16, type);
    vec("output_norm.weight", 32);
    mat("blk.0.attn_q.weight", 32, 32, type);
    mat("blk.0.attn_k.weight", 32, 32, type);
    mat("blk.0.attn_v.weight", 32, 32, type);
    mat("blk.0.attn_output.weight", 32, 32, type);
    mat("blk.0.ffn_gate.weight", 32, 64, type);
    mat("blk.0.ffn_up.weight", 32, 64, type);
    mat("blk.0.ffn_down.weight", 64, 32, type);
    vec("blk.0.attn_norm.weight", 32);
    vec("blk.0.ffn_norm.weight", 32);
  }
  void set(const std::string& key, gguf::Value v) { w_.set(key, std::move(v)); }
  Result<std::shared_ptr<const Model>> load() {
    bytes_ = w_.to_bytes();
    auto f = gguf::File::parse(bytes_.data(), bytes_.size(), "tiny.gguf");
    if (!f.ok()) return f.error();
    return Model::from_file(std::move(f).value());
  }

 private:
  void mat(const std::string& name, int64_t cols, int64_t rows, GgmlType type) {
    const auto bytes = gguf::row_bytes(type, cols).value() * static_cast<uint64_t>(rows);
    std::vector<uint8_t> data(bytes, 0);
    if (type == GgmlType::F32) {
      for (size_t i = 0; i < data.size() / 4; ++i) {
        const float v = 0.01f * static_cast<float>((i * 7) % 13) - 0.05f;
        std::memcpy(&data[i * 4], &v, 4);
      }
    }
    ASSERT_TRUE(w_.add_tensor(name, type, {cols, rows}, std::move(data)).ok());
  }
  void vec(const std::string& name, int64_t n) {
    if (n == 0) return;
    std::vector<uint8_t> data(static_cast<size_t>(n) * 4);
    for (int64_t i = 0; i < n; ++i) {
      const float one = 1.0f;
      std::memcpy(&data[static_cast<size_t>(i) * 4], &one, 4);
    }
    ASSERT_TRUE(w_.add_tensor(name, GgmlType::F32, {n}, std::move(data)).ok());
  }
  std::string arch_;
  gguf::Writer w_;
  std::vector<uint8_t> bytes_;
};

TEST(BadInput, TinyFileLoadsAndRuns) {
  TinyFile f;
  auto m = f.load();
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE((*m)->weights().tied_output);
  auto ctx = Context::create(*m);
  ASSERT_TRUE(ctx.ok()) << ctx.error().message;
  const std::vector<int32_t> ids = {1, 2, 3};
  auto logits = (*ctx)->eval(ids);
  ASSERT_TRUE(logits.ok());
  EXPECT_EQ(logits->size(), 16u);
  EXPECT_EQ((*ctx)->n_ctx(), 64);  // context_length
  ContextOptions capped;
  capped.default_ctx_cap = 16;
  EXPECT_EQ((*Context::create(*m, capped))->n_ctx(), 16);
  capped.n_ctx = 100;  // an explicit size wins over the cap and the file's value
  EXPECT_EQ((*Context::create(*m, capped))->n_ctx(), 100);
}

TEST(BadInput, UnknownArchitectureListsSupported) {
  TinyFile f("mamba");
  auto m = f.load();
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().kind, ErrorKind::kUnsupported);
  EXPECT_NE(m.error().message.find("'mamba'"), std::string::npos) << m.error().message;
  EXPECT_NE(m.error().message.find("llama, qwen2, qwen3"), std::string::npos) << m.error().message;
}

TEST(BadInput, UnsupportedTensorTypeListsSupported) {
  TinyFile f("llama", GgmlType::IQ4_NL);
  auto m = f.load();
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().kind, ErrorKind::kUnsupported);
  EXPECT_NE(m.error().message.find("iq4_nl"), std::string::npos) << m.error().message;
  EXPECT_NE(m.error().message.find("q4_K"), std::string::npos) << m.error().message;
}

TEST(BadInput, MissingKeyAndBadHeadCount) {
  TinyFile a;
  a.set("llama.attention.head_count_kv", uint32_t{3});  // 2 heads are not a multiple of 3
  auto m = a.load();
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("head_count_kv"), std::string::npos) << m.error().message;
}

TEST(BadInput, ModelTooLargeForMemoryFailsBeforeAllocating) {
  TinyFile f;
  auto m = f.load();
  ASSERT_TRUE(m.ok());
  ContextOptions o;
  o.memory_budget = 16 * 1024;  // less than the weights alone
  auto ctx = Context::create(*m, o);
  ASSERT_FALSE(ctx.ok());
  EXPECT_EQ(ctx.error().kind, ErrorKind::kResourceLimit);
  EXPECT_NE(ctx.error().message.find("of memory is available"), std::string::npos) << ctx.error().message;
  // A context far larger than this machine's memory: refused, not attempted.
  ContextOptions huge;
  huge.n_ctx = 1 << 24;
  huge.memory_budget = uint64_t{1} << 30;
  auto big = Context::create(*m, huge);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message.find("KV cache"), std::string::npos) << big.error().message;
}

TEST(BadInput, PromptLongerThanContextAndBadIds) {
  TinyFile f;
  auto m = f.load();
  ASSERT_TRUE(m.ok());
  ContextOptions o;
  o.n_ctx = 4;
  auto ctx = Context::create(*m, o);
  ASSERT_TRUE(ctx.ok());
  const std::vector<int32_t> five = {1, 2, 3, 4, 5};
  auto r = (*ctx)->eval(five);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kResourceLimit);
  EXPECT_NE(r.error().message.find("context holds 4"), std::string::npos) << r.error().message;
  const std::vector<int32_t> bad = {1, 99};
  auto b = (*ctx)->eval(bad);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("outside the vocabulary"), std::string::npos);
  EXPECT_EQ((*ctx)->n_past(), 0);
}

}  // namespace
}  // namespace ls::model
