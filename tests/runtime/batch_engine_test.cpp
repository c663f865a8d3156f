// The batched engine: a sequence's greedy tokens are the same alone, batched with 15 others and
// through the one-sequence Context; chunked prefill interleaves with decodes; the pool makes
// sequences wait instead of failing and preempts when it runs dry; the prefix cache reuses pages
// (same output, cached counts) and evicts least recently used first; no page leaks.
#include "runtime/batch_engine.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <random>

#include "model/context.h"
#include "runtime/sampler.h"
#include "test_support.h"

namespace ls::runtime {
namespace {

std::shared_ptr<const model::Model> load(const char* rel) {
  auto m = model::Model::load(test::shared_path(rel));
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return m.ok() ? std::shared_ptr<const model::Model>(std::move(m).value()) : nullptr;
}

std::unique_ptr<BatchEngine> engine(std::shared_ptr<const model::Model> m, BatchEngineOptions o) {
  o.check_memory = false;
  if (o.n_threads == 0) o.n_threads = 2;
  auto e = BatchEngine::create(std::move(m), o);
  EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message);
  return e.ok() ? std::move(e).value() : nullptr;
}

std::vector<int32_t> prompt_of(int len, uint32_t seed, int n_vocab) {
  std::mt19937 rng(seed);
  std::vector<int32_t> p(static_cast<size_t>(len));
  for (auto& t : p) t = static_cast<int32_t>(rng() % static_cast<uint32_t>(n_vocab - 3)) + 3;
  return p;
}

// Bits of a logits vector: the comparisons below are exact, not just of the argmax.
uint64_t bits_of(std::span<const float> logits) {
  uint64_t h = 1469598103934665603ull;
  for (float f : logits) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    h = (h ^ u) * 1099511628211ull;
  }
  return h;
}

// Greedy continuations of every prompt, all submitted at once; `on_step` sees the engine after
// each step; `logit_bits` gets the bits of every logits vector each sequence saw.
std::vector<std::vector<int32_t>> run(BatchEngine& e, const std::vector<std::vector<int32_t>>& prompts, int n_gen,
                                      const std::function<void(BatchEngine&, size_t)>& on_step = {},
                                      std::vector<std::vector<uint64_t>>* logit_bits = nullptr) {
  if (logit_bits != nullptr) logit_bits->assign(prompts.size(), {});
  std::map<BatchEngine::SeqId, size_t> index;
  for (size_t i = 0; i < prompts.size(); ++i) {
    auto id = e.add(prompts[i]);
    EXPECT_TRUE(id.ok());
    index[*id] = i;
  }
  std::vector<std::vector<int32_t>> out(prompts.size());
  for (size_t steps = 0; e.has_work(); ++steps) {
    auto r = e.step();
    EXPECT_TRUE(r.ok());
    if (!r.ok() || steps > 100000) break;
    for (const auto& o : *r) {
      auto& gen = out[index[o.id]];
      gen.push_back(argmax(o.logits));
      if (logit_bits != nullptr) (*logit_bits)[index[o.id]].push_back(bits_of(o.logits));
      if (static_cast<int>(gen.size()) == n_gen) e.remove(o.id);
      else e.append(o.id, gen.back());
    }
    if (on_step) on_step(e, steps);
  }
  return out;
}

std::vector<uint64_t> context_greedy(std::shared_ptr<const model::Model> m, const std::vector<int32_t>& prompt, int n_gen,
                                     int n_batch) {
  model::ContextOptions o;
  o.n_ctx = 512;
  o.n_batch = n_batch;
  o.n_threads = 2;
  o.check_memory = false;
  auto ctx = model::Context::create(std::move(m), o);
  EXPECT_TRUE(ctx.ok());
  std::vector<uint64_t> bits;
  auto logits = (*ctx)->eval(prompt);
  while (logits.ok()) {
    bits.push_back(bits_of(*logits));
    const int32_t next = argmax(*logits);
    if (static_cast<int>(bits.size()) == n_gen) break;
    logits = (*ctx)->eval(std::span<const int32_t>(&next, 1));
  }
  return bits;
}

// A test on one model (path()): loaded in SetUp, or the test skipped when the asset is absent.
template <class Base>
class ModelTest : public Base {
 protected:
  void SetUp() override {
    LS_REQUIRE_ASSET(path());
    m_ = load(path());
    ASSERT_NE(m_, nullptr);
  }
  virtual const char* path() const = 0;
  std::unique_ptr<BatchEngine> engine(BatchEngineOptions o) const { return runtime::engine(m_, o); }
  // Every sequence is gone: no page may still be referenced.
  static void expect_no_pages_held(const BatchEngine& e) { EXPECT_EQ(e.pool().pages_referenced(), 0); }

  std::shared_ptr<const model::Model> m_;
};

class BatchEngineModels : public ModelTest<::testing::TestWithParam<const char*>> {
  const char* path() const override { return GetParam(); }
};

TEST_P(BatchEngineModels, GreedyIsTheSameAloneBatchedAndThroughContext) {
  const int n_vocab = m_->hparams().n_vocab;
  // prefix_cache off: every run computes everything.
  const BatchEngineOptions o{.max_running = 16, .n_ctx = 512, .prefill_chunk = 32, .prefix_cache = false};
  std::vector<std::vector<int32_t>> prompts;
  for (int i = 0; i < 16; ++i) prompts.push_back(prompt_of(3 + (i * 37) % 150, 100 + i, n_vocab));
  constexpr int kGen = 12;
  std::vector<std::vector<int32_t>> alone;
  std::vector<std::vector<uint64_t>> alone_bits;
  for (const auto& p : prompts) {
    auto e = engine(o);
    std::vector<std::vector<uint64_t>> bits;
    alone.push_back(run(*e, {p}, kGen, {}, &bits)[0]);
    alone_bits.push_back(bits[0]);
  }
  auto e = engine(o);
  std::vector<std::vector<uint64_t>> batched_bits;
  const auto batched = run(*e, prompts, kGen, {}, &batched_bits);
  for (size_t i = 0; i < prompts.size(); ++i) {
    EXPECT_EQ(batched[i], alone[i]) << "prompt " << i << " (" << prompts[i].size() << " tokens)";
    EXPECT_EQ(batched_bits[i], alone_bits[i]) << "logits differ in bits, prompt " << i;
    // The Context with n_batch = prefill_chunk cuts the prompt at the same places.
    EXPECT_EQ(context_greedy(m_, prompts[i], kGen, o.prefill_chunk), alone_bits[i]) << "prompt " << i;
  }
  expect_no_pages_held(*e);
  EXPECT_EQ(e->pool().pages_free(), e->pool().n_pages());
}

INSTANTIATE_TEST_SUITE_P(Models, BatchEngineModels,
                         ::testing::Values("models/tiny-qwen2-q4_k_m.gguf", "models/tiny-qwen2-f16.gguf",
                                           "models/scifact-lm-q8_0.gguf"));

constexpr const char* kTiny = "models/tiny-qwen2-q4_k_m.gguf";
constexpr int kPromptIds = 512;  // prompts draw token ids below this, inside its vocabulary

// The tests below all run the tiny Qwen2 model.
class TinyBatchEngine : public ModelTest<::testing::Test> {
 protected:
  const char* path() const override { return kTiny; }
  static std::vector<int32_t> prompt(int len, uint32_t seed) { return prompt_of(len, seed, kPromptIds); }
};

TEST_F(TinyBatchEngine, ChunkedPrefillKeepsDecodesFlowing) {
  auto e = engine({.max_running = 4, .n_ctx = 512, .prefill_chunk = 32});
  auto first = e->add(prompt(10, 1));
  ASSERT_TRUE(first.ok());
  auto r = e->step();  // prompt of the first: one chunk, logits ready
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  e->append(*first, argmax((*r)[0].logits));
  auto second = e->add(prompt(300, 2));  // ten chunks
  ASSERT_TRUE(second.ok());
  int steps_with_second_pending = 0;
  while (e->n_tokens(*second) == 300) {
    r = e->step();
    ASSERT_TRUE(r.ok());
    // Every step still gives the running sequence its next token.
    bool first_out = false;
    for (const auto& out : *r) {
      if (out.id == *first) {
        first_out = true;
        e->append(*first, argmax(out.logits));
      } else {
        e->append(*second, argmax(out.logits));
      }
    }
    EXPECT_TRUE(first_out) << "step " << steps_with_second_pending;
    ++steps_with_second_pending;
  }
  EXPECT_EQ(steps_with_second_pending, 10);  // 300 tokens in chunks of at most 32
  e->remove(*first);
  e->remove(*second);
  expect_no_pages_held(*e);
}

TEST_F(TinyBatchEngine, FullPoolMakesSequencesWaitThenFinish) {
  // pool_tokens: one context's worth, 8 pages of 16.
  const BatchEngineOptions o{.max_running = 4, .n_ctx = 128, .pool_tokens = 128, .page_size = 16, .prefix_cache = false};
  auto e = engine(o);
  std::vector<std::vector<int32_t>> prompts = {prompt(90, 1), prompt(90, 2), prompt(20, 3)};
  int max_waiting = 0;
  const auto out = run(*e, prompts, 20, [&](BatchEngine& b, size_t) {
    max_waiting = std::max(max_waiting, b.n_waiting());
    EXPECT_LE(b.pool().pages_referenced(), b.pool().n_pages());
  });
  EXPECT_GE(max_waiting, 1);
  for (size_t i = 0; i < prompts.size(); ++i) {
    EXPECT_EQ(out[i].size(), 20u) << i;
    auto alone = engine(o);
    EXPECT_EQ(out[i], run(*alone, {prompts[i]}, 20)[0]) << i;
  }
  expect_no_pages_held(*e);
}

TEST_F(TinyBatchEngine, DecodeWithoutRoomPreemptsTheYoungestWhichResumes) {
  auto e = engine({.max_running = 2, .n_ctx = 128, .pool_tokens = 128, .page_size = 16});
  // Both prompts fit (4 + 3 pages), their decodes do not: the younger one is preempted.
  const auto out = run(*e, {prompt(60, 1), prompt(47, 2)}, 60);
  EXPECT_GE(e->preemptions(), 1u);
  EXPECT_EQ(out[0].size(), 60u);
  EXPECT_EQ(out[1].size(), 60u);
  expect_no_pages_held(*e);
}

TEST_F(TinyBatchEngine, PrefixCacheReusesPagesWithTheSameOutput) {
  const BatchEngineOptions o{.max_running = 4, .n_ctx = 512, .page_size = 16, .prefill_chunk = 64};
  auto cached = engine(o);
  BatchEngineOptions plain_o = o;
  plain_o.prefix_cache = false;
  auto plain = engine(plain_o);
  const auto turn1 = prompt(70, 7);
  const auto gen1 = run(*cached, {turn1}, 20)[0];
  // The second turn: the first prompt, its answer, a new message.
  auto turn2 = turn1;
  turn2.insert(turn2.end(), gen1.begin(), gen1.end());
  const auto extra = prompt(25, 8);
  turn2.insert(turn2.end(), extra.begin(), extra.end());
  auto id = cached->add(turn2);
  ASSERT_TRUE(id.ok());
  std::vector<int32_t> gen2;
  while (gen2.size() < 16) {
    auto r = cached->step();
    ASSERT_TRUE(r.ok());
    for (const auto& out : *r) {
      gen2.push_back(argmax(out.logits));
      cached->append(*id, gen2.back());
    }
  }
  // 70 prompt + 19 evaluated answer tokens = 89 positions: 5 full pages.
  EXPECT_EQ(cached->cached_tokens(*id), 80);
  EXPECT_GE(cached->pool().hits(), 5u);
  cached->remove(*id);
  EXPECT_EQ(gen2, run(*plain, {turn2}, 16)[0]);
  expect_no_pages_held(*cached);
  EXPECT_GT(cached->pool().pages_cached(), 0);
}

TEST_F(TinyBatchEngine, PrefixCacheEvictsLeastRecentlyUsed) {
  // pool_tokens: 8 pages of 16.
  auto e = engine({.max_running = 1, .n_ctx = 64, .pool_tokens = 128, .page_size = 16});
  const auto a = prompt(49, 1), b = prompt(49, 2), c = prompt(49, 3);
  // Each leaves 3 full pages cached (49 prompt + 1 generated... only 49 + 0 evaluated: 3 pages).
  run(*e, {a}, 1);
  run(*e, {b}, 1);
  EXPECT_EQ(e->pool().pages_cached(), 6);
  run(*e, {a}, 1);  // a is now the most recently used
  EXPECT_EQ(e->pool().hits(), 3u);
  run(*e, {c}, 1);  // needs 4 pages: 2 free + the 2 oldest cached, which are b's
  EXPECT_EQ(e->pool().evictions(), 2u);
  const uint64_t hits = e->pool().hits();
  run(*e, {a}, 1);
  EXPECT_EQ(e->pool().hits() - hits, 3u);  // a survived
  const uint64_t hits_b = e->pool().hits();
  run(*e, {b}, 1);
  EXPECT_EQ(e->pool().hits() - hits_b, 0u);  // b's first page was evicted: no prefix of it is left
  expect_no_pages_held(*e);
}

TEST_F(TinyBatchEngine, RejectsBadPrompts) {
  auto e = engine({.n_ctx = 64});
  EXPECT_FALSE(e->add({}).ok());
  EXPECT_FALSE(e->add(prompt(64, 1)).ok());
  EXPECT_FALSE(e->add({1, 2, 100000}).ok());
  // Memory check off: only the option under test can make create() fail.
  EXPECT_FALSE(BatchEngine::create(m_, {.n_ctx = 64, .pool_tokens = 32, .check_memory = false}).ok());
  EXPECT_FALSE(BatchEngine::create(m_, {.n_ctx = 64, .page_size = 12, .check_memory = false}).ok());
}

}  // namespace
}  // namespace ls::runtime
