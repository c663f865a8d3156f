// Serving KV pool sizing (runtime/kv_sizing.h): a 131072-position model gets a pool from the memory
// budget and per-request contexts of min(model context, pool), never a 128k pool per slot; explicit
// --ctx / --ctx-pool win; impossible combinations are errors naming the numbers and the flag.
#include "runtime/kv_sizing.h"

#include <gtest/gtest.h>

namespace ls::runtime {
namespace {

// DeepSeek-R1-Distill-Qwen-1.5B's attention shape: 28 layers, 2 KV heads of 128.
model::HParams r1_1p5b() {
  model::HParams hp;
  hp.n_layer = 28;
  hp.n_head = 12;
  hp.n_head_kv = 2;
  hp.head_dim_k = hp.head_dim_v = 128;
  hp.n_ctx_train = 131072;
  return hp;
}

TEST(KvSizing, DefaultsFollowTheMemoryBudgetNotTheModelContext) {
  KvSizingRequest r;
  r.max_running = 16;
  auto s = size_kv_pool(r1_1p5b(), r);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->bytes_per_position, 28u * 2 * 256 * 2);  // f16 K and V of 28 layers: 28 KiB
  const int64_t fits = int64_t{kDefaultKvMemoryBytes} / (28 * 1024);
  EXPECT_EQ(s->pool_tokens, fits - fits % 16);
  EXPECT_LE(uint64_t(s->pool_tokens) * s->bytes_per_position, kDefaultKvMemoryBytes);
  EXPECT_EQ(s->n_ctx, s->pool_tokens) << "one request may use the whole pool";
  // q8_0 KV: about twice the positions in the same memory.
  r.kv_type = model::KvType::kQ8_0;
  auto q = size_kv_pool(r1_1p5b(), r);
  ASSERT_TRUE(q.ok());
  EXPECT_GT(q->pool_tokens, s->pool_tokens * 17 / 10);
}

TEST(KvSizing, SmallModelsGetTheirContextPerSlot) {
  model::HParams hp = r1_1p5b();
  hp.n_ctx_train = 512;
  KvSizingRequest r;
  r.max_running = 4;
  auto s = size_kv_pool(hp, r);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->n_ctx, 512);
  EXPECT_EQ(s->pool_tokens, 4 * 512);  // never more than every slot's full context
}

TEST(KvSizing, ExplicitContextAndPoolWin) {
  KvSizingRequest r;
  r.max_running = 4;
  r.n_ctx = 4096;
  auto s = size_kv_pool(r1_1p5b(), r);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->n_ctx, 4096);
  EXPECT_EQ(s->pool_tokens, 4 * 4096);
  r.pool_tokens = 6000;
  s = size_kv_pool(r1_1p5b(), r);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->pool_tokens, 6000);
  r.n_ctx = 0;
  r.kv_memory = 64 << 20;  // ignored: the pool was given
  s = size_kv_pool(r1_1p5b(), r);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->n_ctx, 6000);
}

TEST(KvSizing, ImpossibleCombinationsNameTheNumbers) {
  KvSizingRequest r;
  r.n_ctx = 65536;
  r.kv_memory = 256 << 20;  // 9362 positions
  auto s = size_kv_pool(r1_1p5b(), r);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("--ctx 65536"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("9360 positions"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("--kv-memory"), std::string::npos) << s.error().message;
  r.n_ctx = 0;
  r.kv_memory = 1000;  // not one page
  s = size_kv_pool(r1_1p5b(), r);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("less than one KV page of 16"), std::string::npos) << s.error().message;
  r.kv_memory = 0;
  r.n_ctx = 8192;
  r.pool_tokens = 4096;
  s = size_kv_pool(r1_1p5b(), r);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("--ctx-pool"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace ls::runtime
