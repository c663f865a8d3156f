// `localseek serve` as a process: flags, --no-model, graceful SIGTERM, and a real Prometheus
// (Debian package) that scrapes /metrics, reports the target up and sees the prefix cache's hits.
#include <gtest/gtest.h>

#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A child process with its stdout+stderr in a pipe.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      dup2(fds[1], 2);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
  }
  ~Child() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      wait_exit();
    }
    if (out_ >= 0) close(out_);
  }
  // Reads output until `re` matches (returns the first group) or the time is up.
  std::string wait_for(const std::regex& re, std::chrono::milliseconds limit = 10000ms) {
    const auto until = std::chrono::steady_clock::now() + limit;
    std::smatch m;
    while (std::chrono::steady_clock::now() < until) {
      if (std::regex_search(output_, m, re)) return m.size() > 1 ? m[1].str() : m[0].str();
      read_some(50);
    }
    return {};
  }
  int wait_exit() {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    exited_ = true;
    while (read_some(0)) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  void signal(int sig) { kill(pid_, sig); }
  const std::string& output() const { return output_; }

 private:
  bool read_some(int timeout_ms) {
    fd_set set;
    FD_ZERO(&set);
    FD_SET(out_, &set);
    timeval tv{0, timeout_ms * 1000};
    if (select(out_ + 1, &set, nullptr, nullptr, &tv) <= 0) return false;
    char buf[4096];
    ssize_t n = read(out_, buf, sizeof buf);
    if (n <= 0) return false;
    output_.append(buf, static_cast<size_t>(n));
    return true;
  }
  pid_t pid_ = -1;
  int out_ = -1;
  bool exited_ = false;
  std::string output_;
};

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

fs::path temp_dir(const std::string& tag) {
  fs::path d = fs::temp_directory_path() / ("ls_" + tag + "_" + std::to_string(getpid()));
  fs::create_directories(d);
  return d;
}

const std::regex kListening(R"(listening on http://127\.0\.0\.1:(\d+))");

TEST(ServeCli, NeedsAModelOrNoModel) {
  Child c({ls::test::binary(), "serve", "--port", "0"});
  EXPECT_NE(c.wait_exit(), 0);
  EXPECT_NE(c.output().find("--no-model"), std::string::npos) << c.output();
}

TEST(ServeCli, BadBackendSpecIsAClearError) {
  Child c({ls::test::binary(), "serve", "--backend", "scripted:/nonexistent/script.json", "--port", "0"});
  EXPECT_NE(c.wait_exit(), 0);
  EXPECT_NE(c.output().find("/nonexistent/script.json"), std::string::npos) << c.output();
}

TEST(ServeCli, NoModelServesHealthAndStopsOnSigterm) {
  const fs::path dir = temp_dir("nomodel");
  Child c({ls::test::binary(), "serve", "--no-model", "--port", "0", "--data", (dir / "kb").string()});
  const std::string port = c.wait_for(kListening);
  ASSERT_FALSE(port.empty()) << c.output();
  httplib::Client http("127.0.0.1", std::stoi(port));
  auto res = http.Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(http.Get("/ready")->status, 200);
  // The knowledge base works without a model.
  auto up = http.Post("/v1/kb/notes/documents", R"({"id":"d","text":"Aspirin lowers fever."})",
                      "application/json");
  ASSERT_TRUE(up);
  EXPECT_EQ(up->status, 201) << up->body;
  auto hits = http.Post("/search", R"({"query":"fever","collection":"notes"})", "application/json");
  ASSERT_TRUE(hits);
  EXPECT_NE(hits->body.find("Aspirin"), std::string::npos) << hits->body;
  c.signal(SIGTERM);
  EXPECT_EQ(c.wait_exit(), 0) << c.output();
  EXPECT_NE(c.output().find("stopped"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "kb"));
  fs::remove_all(dir);
}

TEST(ServeCli, ServesAModelFileAndStopsOnSigint) {
  LS_REQUIRE_ASSET("models/scifact-lm-q8_0.gguf");
  Child c({ls::test::binary(), "serve", "-m", ls::test::shared_path("models/scifact-lm-q8_0.gguf"),
           "--port", "0", "--threads", "1", "--data", (temp_dir("model") / "kb").string()});
  const std::string port = c.wait_for(kListening, 30000ms);
  ASSERT_FALSE(port.empty()) << c.output();
  httplib::Client http("127.0.0.1", std::stoi(port));
  http.set_read_timeout(60, 0);
  auto models = http.Get("/v1/models");
  ASSERT_TRUE(models);
  EXPECT_NE(models->body.find("\"scifact-lm-q8_0\""), std::string::npos);
  auto r = http.Post("/v1/completions", R"({"prompt":"The results","max_tokens":4,"temperature":0})",
                     "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  // The engine's threads start before the server: SIGINT must still reach the drain logic.
  c.signal(SIGINT);
  EXPECT_EQ(c.wait_exit(), 0) << c.output();
  EXPECT_NE(c.output().find("stopped"), std::string::npos) << c.output();
  fs::remove_all(temp_dir("model"));
}

// SIGTERM on the default (batched) engine: /ready turns 503, a new request is refused with 503,
// and the stream that was running when the signal came still gets every token and [DONE].
TEST(ServeCli, SigtermDrainsTheBatchedEngine) {
  LS_REQUIRE_ASSET("models/scifact-lm-q8_0.gguf");
#if defined(__SANITIZE_ADDRESS__)
  const std::string tokens = "800";  // an ASan binary decodes ~25 ms a token
#else
  const std::string tokens = "4000";  // long enough to still run while the test checks the drain
#endif
  Child c({ls::test::binary(), "serve", "-m", ls::test::shared_path("models/scifact-lm-q8_0.gguf"), "-t", "1",
           "--ctx", "4096", "--drain-timeout", "300", "--port", "0", "--data", ""});
  const std::string port = c.wait_for(kListening, 30000ms);
  ASSERT_FALSE(port.empty()) << c.output();
  EXPECT_NE(c.output().find("KV pool of 4096 positions, up to 4096 per request"), std::string::npos) << c.output();
  std::string body;
  std::atomic<bool> first{false};
  std::thread stream([&] {
    httplib::Client http("127.0.0.1", std::stoi(port));
    http.set_read_timeout(300, 0);
    httplib::Request req;
    req.method = "POST";
    req.path = "/v1/completions";
    req.body = R"({"prompt":"In this study of fever,","max_tokens":)" + tokens +
               R"(,"temperature":0,"ignore_eos":true,"stream":true,"stream_options":{"include_usage":true}})";
    req.set_header("Content-Type", "application/json");
    req.content_receiver = [&](const char* d, size_t n, uint64_t, uint64_t) {
      body.append(d, n);
      first.store(true);
      return true;
    };
    http.send(req);
  });
  const auto until = std::chrono::steady_clock::now() + 120s;
  while (!first.load() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(first.load());
  c.signal(SIGTERM);
  httplib::Client http("127.0.0.1", std::stoi(port));
  int ready = 0;
  while (std::chrono::steady_clock::now() < until && ready != 503) {
    auto r = http.Get("/ready");
    ready = r ? r->status : -1;
    if (ready != 503) std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(ready, 503);
  auto refused = http.Post("/v1/completions", R"({"prompt":"In this study of sleep,","max_tokens":4})", "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503) << refused->body;
  stream.join();
  EXPECT_EQ(c.wait_exit(), 0) << c.output();
  EXPECT_NE(c.output().find("stopped"), std::string::npos) << c.output();
  EXPECT_NE(body.find("\"completion_tokens\":" + tokens), std::string::npos) << "the running stream was cut";
  EXPECT_NE(body.find("\"finish_reason\":\"length\""), std::string::npos);
  EXPECT_NE(body.rfind("data: [DONE]"), std::string::npos);
}

TEST(ServeCli, PrometheusScrapesTheServer) {
  LS_REQUIRE_ASSET("models/scifact-lm-q8_0.gguf");
  if (std::system("command -v prometheus >/dev/null 2>&1") != 0) {
    if (std::getenv("CI") != nullptr) FAIL() << "prometheus missing (scripts/deps.sh installs it)";
    GTEST_SKIP() << "SKIPPED: prometheus not installed";
  }
  const fs::path dir = temp_dir("prom");
  Child server({ls::test::binary(), "serve", "-m", ls::test::shared_path("models/scifact-lm-q8_0.gguf"), "-t", "1",
                "--port", "0", "--data", (dir / "kb").string()});
  const std::string port = server.wait_for(kListening, 30000ms);
  ASSERT_FALSE(port.empty()) << server.output();
  httplib::Client http("127.0.0.1", std::stoi(port));
  http.set_read_timeout(60, 0);
  // The same prompt twice: the second takes the first one's KV pages from the prefix cache.
  std::string prompt = "In this study of fever,";
  while (prompt.size() < 300) prompt += " we measured fever in patients and controls;";
  const std::string body = nlohmann::json{{"prompt", prompt}, {"max_tokens", 4}, {"temperature", 0}}.dump();
  for (int i = 0; i < 2; ++i) {
    auto r = http.Post("/v1/completions", body, "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  }

  std::ofstream(dir / "prometheus.yml") << "global:\n  scrape_interval: 1s\n"
                                        << "scrape_configs:\n  - job_name: localseek\n"
                                        << "    static_configs:\n      - targets: ['127.0.0.1:" << port << "']\n";
  const int prom_port = free_port();
  Child prom({"prometheus", "--config.file=" + (dir / "prometheus.yml").string(),
              "--storage.tsdb.path=" + (dir / "tsdb").string(),
              "--web.listen-address=127.0.0.1:" + std::to_string(prom_port)});
  httplib::Client api("127.0.0.1", prom_port);
  auto query = [&api](const std::string& expr) {
    double v = -1;
    if (auto q = api.Get("/api/v1/query?query=" + expr); q && q->status == 200) {
      auto j = nlohmann::json::parse(q->body, nullptr, false);
      if (!j.is_discarded() && !j["data"]["result"].empty())
        v = std::stod(j["data"]["result"][0]["value"][1].get<std::string>());
    }
    return v;
  };
  std::string health, last;
  double loaded = -1, hits = -1, misses = -1, referenced = -1;
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < until && (health != "up" || loaded != 1 || hits <= 0)) {
    std::this_thread::sleep_for(200ms);
    if (auto r = api.Get("/api/v1/targets"); r && r->status == 200) {
      last = r->body;
      auto j = nlohmann::json::parse(r->body, nullptr, false);
      if (!j.is_discarded() && !j["data"]["activeTargets"].empty())
        health = j["data"]["activeTargets"][0].value("health", "");
    }
    if (health == "up") {
      loaded = query("localseek_model_loaded");
      hits = query("localseek_prefix_cache_hits_total");
      misses = query("localseek_prefix_cache_misses_total");
      referenced = query("localseek_kv_pool_pages%7Bstate%3D%22referenced%22%7D");
    }
  }
  EXPECT_EQ(health, "up") << last << "\n" << prom.output();
  EXPECT_EQ(loaded, 1);
  EXPECT_GT(hits, 0) << "the reused prefix is a hit";
  EXPECT_EQ(hits, misses) << "the second request found every page the first computed";
  EXPECT_EQ(referenced, 0);
  prom.signal(SIGTERM);
  prom.wait_exit();
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(), 0);
  fs::remove_all(dir);
}

}  // namespace
