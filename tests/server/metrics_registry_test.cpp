// The hand-written Prometheus exposition: values, labels, histograms, escaping, and promtool's
// verdict on the whole server's output.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "server/metrics_registry.h"
#include "server/server_metrics.h"

namespace ls::server {
namespace {

TEST(MetricsRegistry, CounterAndGaugeLines) {
  MetricsRegistry r;
  auto& c = r.counter("t_requests_total", "Requests.", {"endpoint", "status"});
  c.with({"/a", "200"}).inc();
  c.with({"/a", "200"}).inc(2);
  c.with({"/b", "500"}).inc();
  r.gauge("t_running", "Running now.").with({}).set(3.5);
  const std::string out = r.render();
  EXPECT_NE(out.find("# HELP t_requests_total Requests.\n# TYPE t_requests_total counter\n"),
            std::string::npos);
  EXPECT_NE(out.find("t_requests_total{endpoint=\"/a\",status=\"200\"} 3\n"), std::string::npos);
  EXPECT_NE(out.find("t_requests_total{endpoint=\"/b\",status=\"500\"} 1\n"), std::string::npos);
  EXPECT_NE(out.find("# TYPE t_running gauge\nt_running 3.5\n"), std::string::npos);
}

TEST(MetricsRegistry, HistogramIsCumulative) {
  MetricsRegistry r;
  auto& h = r.histogram("t_latency_seconds", "Latency.", {0.1, 1, 10}).with({});
  for (double v : {0.05, 0.1, 0.5, 5.0, 50.0}) h.observe(v);
  const std::string out = r.render();
  EXPECT_NE(out.find("t_latency_seconds_bucket{le=\"0.1\"} 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("t_latency_seconds_bucket{le=\"1\"} 3\n"), std::string::npos);
  EXPECT_NE(out.find("t_latency_seconds_bucket{le=\"10\"} 4\n"), std::string::npos);
  EXPECT_NE(out.find("t_latency_seconds_bucket{le=\"+Inf\"} 5\n"), std::string::npos);
  EXPECT_NE(out.find("t_latency_seconds_sum 55.65\n"), std::string::npos);
  EXPECT_NE(out.find("t_latency_seconds_count 5\n"), std::string::npos);
}

TEST(MetricsRegistry, EscapesLabelValuesAndHelp) {
  MetricsRegistry r;
  r.counter("t_x_total", "Line one\nback\\slash", {"l"}).with({"a\"b\\c\nd"}).inc();
  const std::string out = r.render();
  EXPECT_NE(out.find("# HELP t_x_total Line one\\nback\\\\slash\n"), std::string::npos);
  EXPECT_NE(out.find("t_x_total{l=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos);
}

TEST(MetricsRegistry, NumberFormat) {
  EXPECT_EQ(format_metric_value(0), "0");
  EXPECT_EQ(format_metric_value(42), "42");
  EXPECT_EQ(format_metric_value(0.0025), "0.0025");
  EXPECT_EQ(format_metric_value(1.0 / 0.0), "+Inf");
  EXPECT_EQ(format_metric_value(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(format_metric_value(std::nan("")), "NaN");
}

TEST(MetricsRegistry, WrongLabelCountThrows) {
  MetricsRegistry r;
  auto& c = r.counter("t_total", "x", {"a"});
  EXPECT_THROW(c.with({}), std::logic_error);
}

TEST(ServerMetrics, EndpointLabelsAreBounded) {
  EXPECT_EQ(endpoint_label("POST", "/v1/chat/completions"), "/v1/chat/completions");
  EXPECT_EQ(endpoint_label("GET", "/v1/models/abc"), "/v1/models/{id}");
  EXPECT_EQ(endpoint_label("GET", "/v1/kb/notes/documents"), "/v1/kb/{collection}/documents");
  EXPECT_EQ(endpoint_label("DELETE", "/v1/kb/notes/documents/17"), "/v1/kb/{collection}/documents/{id}");
  EXPECT_EQ(endpoint_label("GET", "/random/path/123"), "other");
}

// promtool (Debian package prometheus) is the reference checker of the format.
TEST(ServerMetrics, PromtoolAcceptsTheOutput) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
    if (std::getenv("CI") != nullptr) FAIL() << "promtool missing (scripts/deps.sh installs prometheus)";
    GTEST_SKIP() << "SKIPPED: promtool not installed";
  }
  ServerMetrics m;
  m.requests.with({"/v1/chat/completions", "200"}).inc();
  m.time_to_first_token.with({}).observe(0.02);
  m.request_latency.with({"/v1/chat/completions"}).observe(1.5);
  m.prompt_tokens.inc(12);
  const auto path = std::filesystem::temp_directory_path() /
                    ("ls_metrics_" + std::to_string(::getpid()) + ".txt");
  std::ofstream(path) << m.registry.render();
  const std::string cmd = "promtool check metrics < " + path.string() + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
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
