// bench: --json carries the fields engine.sh and users read (no timing assertions: CI machines are
// shared); --membw measures a positive bandwidth; bytes per token counts one embedding row.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli_run.h"
#include "gguf/gguf_file.h"
#include "test_support.h"
#include "tools/engine_bench.h"

namespace ls::tools {
namespace {

// Tools tests read JSON from stdout: stderr (progress) is discarded unless asked for.
constexpr auto run = [](const std::string& args, bool with_stderr = false) {
  return ls::test::run_cli(args, with_stderr);
};

TEST(Bench, JsonOnATinyModel) {
  LS_REQUIRE_ASSET("models/tiny-qwen2-q8_0.gguf");
  const auto r = run("bench -m " + test::shared_path("models/tiny-qwen2-q8_0.gguf") +
                     " -p 16 -n 4 -r 2 -t 2 --membw-mib 32 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* k : {"pp_tps", "tg_tps", "roofline", "pp_spread", "tg_spread", "membw_gbps", "bytes_per_token",
                        "threads", "features", "cpu"}) {
    EXPECT_TRUE(j.contains(k)) << k << " missing in " << r.out;
  }
  EXPECT_GT(j["pp_tps"].get<double>(), 0);
  EXPECT_GT(j["tg_tps"].get<double>(), 0);
  EXPECT_GT(j["roofline"].get<double>(), 0);
  EXPECT_EQ(j["tg_samples"].size(), 2u);
  EXPECT_EQ(j["threads"], 2);
}

TEST(Bench, MembwPrintsAPositiveBandwidth) {
  const auto r = run("bench --membw --membw-mib 64 -t 2 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_GT(j["membw_gbps"].get<double>(), 0.1);
  EXPECT_GT(j["membw_1t_gbps"].get<double>(), 0.1);
  const auto text = run("bench --membw --membw-mib 32");
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("GB/s"), std::string::npos) << text.out;
}

TEST(Bench, BytesPerTokenReadsOneEmbeddingRow) {
  LS_REQUIRE_ASSET("models/tiny-qwen2-q8_0.gguf");
  const std::string path = test::shared_path("models/tiny-qwen2-q8_0.gguf");
  auto f = gguf::File::open(path);
  ASSERT_TRUE(f.ok());
  uint64_t total = 0;
  for (const auto& t : f->tensors()) total += t.nbytes;
  const gguf::TensorInfo* e = f->find_tensor("token_embd.weight");
  ASSERT_NE(e, nullptr);
  const auto b = weight_bytes_per_token(path);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, total - e->nbytes + e->nbytes / static_cast<uint64_t>(e->rows()));
  EXPECT_EQ(stat_of({3, 1, 2, 10}).median, 2.5);
  EXPECT_EQ(stat_of({3, 1, 2, 10}).spread, 4.5);
}

TEST(Bench, NeedsAModel) {
  const auto r = run("bench --bandwidth 10", true);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("-m"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ls::tools
