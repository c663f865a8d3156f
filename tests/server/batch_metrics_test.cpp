// /metrics of the server on the batched engine, over loopback HTTP: the KV pool's pages by state
// (referenced, cached, free), prefix-cache hits and misses, evictions and preemptions appear from
// the start, move when a cached prefix is reused, when the pool evicts and when it preempts, and
// promtool accepts the whole output.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>

#include <unistd.h>

#include "batch_server.h"

namespace ls::server {
namespace {

using json = nlohmann::json;
using test::BatchServer;
using test::metric_value;
using test::ServerSetup;

const char* const kSeries[] = {
    "localseek_kv_pool_pages{state=\"referenced\"}", "localseek_kv_pool_pages{state=\"cached\"}",
    "localseek_kv_pool_pages{state=\"free\"}",       "localseek_kv_pool_page_size_tokens",
    "localseek_prefix_cache_hits_total",             "localseek_prefix_cache_misses_total",
    "localseek_prefix_cache_evictions_total",        "localseek_preemptions_total"};

std::string long_prompt(const std::string& topic, size_t chars) {
  std::string p = "In this study of " + topic + ",";
  while (p.size() < chars) p += " we measured " + topic + " in patients and controls;";
  return p;
}

TEST(BatchMetrics, PrefixCacheReuseMovesHitsAndThePoolGauges) {
  LS_REQUIRE_ASSET(test::kBatchModel);
  BatchServer s;
  const auto before = s.metrics();
  for (const char* series : kSeries) EXPECT_GE(metric_value(before, series), 0) << series << " missing:\n" << before;
  const int pages = s.backend().stats().pages_total;
  EXPECT_EQ(metric_value(before, "localseek_kv_pool_pages{state=\"free\"}"), pages);
  EXPECT_EQ(metric_value(before, "localseek_kv_pool_page_size_tokens"), 16);
  EXPECT_EQ(metric_value(before, "localseek_prefix_cache_hits_total"), 0);

  const std::string prompt = long_prompt("fever", 300);
  const json ask = {{"prompt", prompt}, {"max_tokens", 8}, {"temperature", 0}};
  const json first = s.post("/v1/completions", ask);
  ASSERT_TRUE(first.contains("usage")) << first.dump();
  ASSERT_TRUE(s.settles());
  const auto after_first = s.metrics();
  const int prompt_tokens = first["usage"]["prompt_tokens"];
  const double cacheable = (prompt_tokens - 1) / 16;  // whole pages before the last prompt token
  ASSERT_GE(cacheable, 3);
  EXPECT_EQ(metric_value(after_first, "localseek_prefix_cache_hits_total"), 0);
  EXPECT_EQ(metric_value(after_first, "localseek_prefix_cache_misses_total"), cacheable);
  EXPECT_EQ(metric_value(after_first, "localseek_kv_pool_pages{state=\"referenced\"}"), 0);
  // The sequence's full pages stay cached: in use, but held by nobody.
  const double cached = metric_value(after_first, "localseek_kv_pool_pages{state=\"cached\"}");
  EXPECT_GE(cached, cacheable);
  EXPECT_EQ(metric_value(after_first, "localseek_kv_pool_pages{state=\"free\"}"), pages - cached);

  // The same prompt again: every cacheable page is a hit, none a miss, and usage says so.
  const json second = s.post("/v1/completions", ask);
  ASSERT_TRUE(second.contains("usage")) << second.dump();
  EXPECT_EQ(second["usage"]["prompt_tokens_details"]["cached_tokens"], cacheable * 16);
  EXPECT_EQ(second["choices"][0]["text"], first["choices"][0]["text"]);
  ASSERT_TRUE(s.settles());
  const auto after_second = s.metrics();
  EXPECT_EQ(metric_value(after_second, "localseek_prefix_cache_hits_total"), cacheable);
  EXPECT_EQ(metric_value(after_second, "localseek_prefix_cache_misses_total"), cacheable);
  EXPECT_EQ(metric_value(after_second, "localseek_kv_pool_pages{state=\"referenced\"}"), 0);
  EXPECT_EQ(metric_value(after_second, "localseek_prefix_cache_evictions_total"), 0);
  EXPECT_EQ(metric_value(after_second, "localseek_preemptions_total"), 0);
}

TEST(BatchMetrics, ASmallPoolEvictsCachedPagesAndPreempts) {
  LS_REQUIRE_ASSET(test::kBatchModel);
  ServerSetup small;
  small.parallel = 2;
  small.n_ctx = 256;
  small.pool_tokens = 256;  // 16 pages: one sequence's whole context
  BatchServer s(small);
  // One after the other, two prompts of a few pages with nothing in common: the second needs pages
  // the first left in the cache only once the free ones are gone, so grow the first to the end.
  json a = {{"prompt", long_prompt("fever", 300)}, {"temperature", 0}, {"ignore_eos", true}};
  const int a_tokens = static_cast<int>(s.backend().tokenize(a["prompt"].get<std::string>(), true, true)->size());
  a["max_tokens"] = 256 - a_tokens;
  const json ra = s.post("/v1/completions", a);
  ASSERT_TRUE(ra.contains("usage")) << ra.dump();
  ASSERT_EQ(ra["usage"]["prompt_tokens"], a_tokens);
  ASSERT_TRUE(s.settles());
  const auto m1 = s.metrics();
  EXPECT_LE(metric_value(m1, "localseek_kv_pool_pages{state=\"free\"}"), 1) << "the first filled the pool";
  EXPECT_EQ(metric_value(m1, "localseek_prefix_cache_evictions_total"), 0);
  const json rb = s.post("/v1/completions", {{"prompt", long_prompt("insulin", 200)}, {"max_tokens", 4}, {"temperature", 0}});
  ASSERT_TRUE(rb.contains("usage")) << rb.dump();
  ASSERT_TRUE(s.settles());
  EXPECT_GE(metric_value(s.metrics(), "localseek_prefix_cache_evictions_total"), rb["usage"]["prompt_tokens"].get<int>() / 16);

  // Two short prompts that each grow to 240 tokens: together they need twice the pool, so once
  // both run (the second joins while the first still has room for its prompt), one is preempted
  // and finishes later, recomputed.
  auto go = [&s](const std::string& topic) {
    return std::async(std::launch::async, [&s, topic] {
      return s.post("/v1/completions", {{"prompt", "In this study of " + topic + ","}, {"max_tokens", 240},
                                        {"temperature", 0}, {"ignore_eos", true}});
    });
  };
  auto f1 = go("sleep");
  auto f2 = go("obesity");
  for (auto* f : {&f1, &f2}) {
    const json r = f->get();
    ASSERT_TRUE(r.contains("usage")) << r.dump();
    EXPECT_EQ(r["usage"]["completion_tokens"], 240);
  }
  ASSERT_TRUE(s.settles());
  EXPECT_GE(metric_value(s.metrics(), "localseek_preemptions_total"), 1);
  EXPECT_EQ(metric_value(s.metrics(), "localseek_preemptions_total"), s.backend().stats().preemptions);
}

// promtool (Debian package prometheus) is the reference checker of the format.
TEST(BatchMetrics, PromtoolAcceptsTheOutputOfABusyServer) {
  LS_REQUIRE_ASSET(test::kBatchModel);
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
    if (std::getenv("CI") != nullptr) FAIL() << "promtool missing (scripts/deps.sh installs prometheus)";
    GTEST_SKIP() << "SKIPPED: promtool not installed";
  }
  BatchServer s;
  const json ask = {{"prompt", long_prompt("sleep", 200)}, {"max_tokens", 4}, {"temperature", 0}};
  s.post("/v1/completions", ask);
  s.post("/v1/completions", ask);
  ASSERT_TRUE(s.settles());
  const std::string text = s.metrics();
  EXPECT_GT(metric_value(text, "localseek_prefix_cache_hits_total"), 0);
  const auto path = std::filesystem::temp_directory_path() / ("ls_batch_metrics_" + std::to_string(::getpid()) + ".txt");
  std::ofstream(path) << text;
  FILE* p = popen(("promtool check metrics < " + path.string() + " 2>&1").c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string output;
  char buf[512];
  while (fgets(buf, sizeof buf, p) != nullptr) output += buf;
  const int rc = pclose(p);
  std::filesystem::remove(path);
  EXPECT_EQ(rc, 0) << output;
  EXPECT_EQ(output, "") << "promtool lint findings:\n" << output;
}

}  // namespace
}  // namespace ls::server
