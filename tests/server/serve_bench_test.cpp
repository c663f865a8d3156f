// The serving load benchmark's mechanics against the scripted engine (no timing asserted): SSE
// parsing in arbitrary pieces, percentiles, URLs, prompt sizing, per-level counts, failures
// counted, and `localseek bench-serve --json` end to end.
#include "server/serve_bench.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "cli_run.h"
#include "server/sse_parser.h"
#include "server/test_server.h"

namespace ls::server {
namespace {

using json = nlohmann::json;

std::vector<std::string> parse_in_pieces(const std::string& stream, size_t piece) {
  SseParser p;
  std::vector<std::string> events;
  for (size_t i = 0; i < stream.size(); i += piece)
    p.feed(std::string_view(stream).substr(i, piece), [&](std::string_view d) { events.emplace_back(d); });
  EXPECT_FALSE(p.pending());
  return events;
}

TEST(SseParser, EventsComeOutWhateverTheReadSizes) {
  const std::string stream =
      "data: {\"a\":1}\n\n: keep-alive comment\n\ndata: line one\r\ndata:line two\r\n\r\n"
      "event: x\nid: 7\ndata: [DONE]\n\n";
  const std::vector<std::string> want = {"{\"a\":1}", "line one\nline two", "[DONE]"};
  for (size_t piece : {1u, 2u, 3u, 7u, 1000u}) EXPECT_EQ(parse_in_pieces(stream, piece), want) << piece;
  SseParser p;
  p.feed("data: half", [](std::string_view) { FAIL(); });
  EXPECT_TRUE(p.pending());
}

TEST(ServeBench, PercentileIsNearestRank) {
  EXPECT_EQ(percentile({}, 50), 0);
  EXPECT_EQ(percentile({3, 1, 2}, 50), 2);
  EXPECT_EQ(percentile({3, 1, 2}, 99), 3);
  EXPECT_EQ(percentile({3, 1, 2}, 0), 1);
  std::vector<double> hundred;
  for (int i = 100; i >= 1; --i) hundred.push_back(i);
  EXPECT_EQ(percentile(hundred, 99), 99);
  EXPECT_EQ(percentile(hundred, 100), 100);
}

TEST(ServeBench, EndpointUrls) {
  auto a = parse_endpoint("http://127.0.0.1:8080/v1/");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  for (const char* bad : {"https://x:1", "http://x", "http://x:0", "http://x:99999", "http://x:80/api", "x:80"})
    EXPECT_FALSE(parse_endpoint(bad).ok()) << bad;
}

TEST(ServeBench, PromptsDifferPerRequest) {
  std::set<std::string> seen;
  for (int n = 0; n < 40; ++n) seen.insert(bench_prompt(n, 10).substr(std::string("Request 00: ").size()));
  EXPECT_EQ(seen.size(), 40u);
}

Script long_reply(int token_delay_ms) {
  Script s;
  s.model = "bench";
  s.reply = "<think>\nLet me think about that.\n</think>\n\n" + std::string(200, 'z');
  s.token_delay = std::chrono::milliseconds(token_delay_ms);
  return s;
}

TEST(ServeBench, EveryLevelRunsItsClientsToTheEnd) {
  ServerConfig cfg;
  cfg.parallel = 2;  // the third client of level 3 waits in the queue
  test::TestServer s(cfg, long_reply(1));
  ServeBenchOptions o;
  o.endpoint.host = "127.0.0.1";
  o.endpoint.port = s.port();
  o.concurrency = {1, 3};
  o.prompt_tokens = 60;
  o.max_tokens = 8;
  o.requests_per_client = 2;
  auto r = run_serve_bench(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->model, "bench");
  ASSERT_EQ(r->levels.size(), 2u);
  for (const LevelResult& l : r->levels) {
    EXPECT_EQ(l.requests, 2 * l.concurrency);
    EXPECT_EQ(l.failed, 0) << l.first_error;
    EXPECT_EQ(l.generated_tokens, 8L * l.requests);
    // The scripted tokenizer makes one token per character: the sizing lands near the target.
    EXPECT_NEAR(l.mean_prompt_tokens, 60, 10);
    EXPECT_GT(l.tokens_per_s, 0);
    EXPECT_GT(l.ttft_p50_s, 0);
    EXPECT_LE(l.ttft_p50_s, l.ttft_p99_s);
    EXPECT_GT(l.itl_p99_s, 0);
    EXPECT_LE(l.itl_p50_s, l.itl_p99_s);
  }
  // Warm-up + 2 + 6 requests reached the engine.
  EXPECT_EQ(s.backend().submissions(), 9);
  const std::string table = r->table();
  EXPECT_NE(table.find("ttft p99"), std::string::npos);
}

TEST(ServeBench, FailedRequestsAreCountedWithTheFirstError) {
  Script broken = long_reply(0);
  broken.fail_after_tokens = 3;
  test::TestServer s({}, broken);
  ServeBenchOptions o;
  o.endpoint.host = "127.0.0.1";
  o.endpoint.port = s.port();
  o.concurrency = {2};
  o.max_tokens = 8;
  o.warmup = false;
  auto r = run_serve_bench(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->levels[0].failed, 2);
  EXPECT_NE(r->levels[0].first_error.find("scripted engine failure"), std::string::npos) << r->levels[0].first_error;
}

TEST(ServeBenchCli, JsonReportAndExitCodes) {
  test::TestServer s({}, long_reply(0));
  const std::string url = "http://127.0.0.1:" + std::to_string(s.port());
  auto run = ls::test::run_cli("bench-serve --url " + url + " -c 1,2 --max-tokens 4 --prompt-tokens 20 --json",
                               /*with_stderr=*/false);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const json j = json::parse(run.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << run.out;
  EXPECT_EQ(j["model"], "bench");
  EXPECT_EQ(j["max_tokens"], 4);
  ASSERT_EQ(j["levels"].size(), 2u);
  EXPECT_EQ(j["levels"][1]["concurrency"], 2);
  EXPECT_EQ(j["levels"][1]["requests"], 2);
  EXPECT_EQ(j["levels"][1]["failed"], 0);
  EXPECT_EQ(j["levels"][1]["generated_tokens"], 8);
  for (const char* key : {"tokens_per_s", "ttft_p50_s", "ttft_p99_s", "itl_p50_s", "itl_p99_s", "wall_s"})
    EXPECT_TRUE(j["levels"][0][key].is_number()) << key;

  auto table = ls::test::run_cli("bench-serve --url " + url + " -c 1 --max-tokens 2");
  EXPECT_EQ(table.exit_code, 0) << table.out;
  EXPECT_NE(table.out.find("tok/s"), std::string::npos) << table.out;

  auto wrong_model = ls::test::run_cli("bench-serve --url " + url + " -c 1 --model nope");
  EXPECT_NE(wrong_model.exit_code, 0);
  EXPECT_NE(wrong_model.out.find("warm-up"), std::string::npos) << wrong_model.out;
  auto no_server = ls::test::run_cli("bench-serve --url http://127.0.0.1:1 -c 1");
  EXPECT_NE(no_server.exit_code, 0);
  EXPECT_NE(no_server.out.find("127.0.0.1:1"), std::string::npos) << no_server.out;
}

}  // namespace
}  // namespace ls::server
