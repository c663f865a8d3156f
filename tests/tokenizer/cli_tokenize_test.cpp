// `localseek tokenize` end to end: defaults like llama-tokenize (BOS as the vocabulary asks,
// special tokens parsed), --no-bos / --no-special, --json, '-' reading stdin exactly, errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include <stdlib.h>
#include <unistd.h>

#include "test_support.h"

namespace {

struct CliResult {
  int code;
  std::string out;
};

CliResult run(const std::string& args, const std::string& stdin_text = "") {
  // A unique file per call: ctest runs the tests of this program in parallel processes.
  std::string in = ::testing::TempDir() + "/tokenize_stdin_XXXXXX";
  const int fd = mkstemp(in.data());
  if (fd < 0) return {-1, "mkstemp failed"};
  if (write(fd, stdin_text.data(), stdin_text.size()) != static_cast<ssize_t>(stdin_text.size())) {
    close(fd);
    return {-1, "write failed"};
  }
  close(fd);
  const std::string cmd = ls::test::binary() + " tokenize " + args + " < " + in + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  unlink(in.c_str());
  return {WEXITSTATUS(status), out};
}

const char* kVocab = "vocab/ggml-vocab-deepseek-r1-qwen.gguf";

std::vector<int> ids_of(const CliResult& r) {
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (!j.is_object()) return {};
  return j.at("ids").get<std::vector<int>>();
}

TEST(CliTokenize, JsonDefaultsAddBosAndParseSpecial) {
  LS_REQUIRE_ASSET(kVocab);
  const std::string m = "-m " + ls::test::shared_path(kVocab);
  const CliResult r = run(m + " --json '<｜User｜>Hello'");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["ids"], (std::vector<int>{151646, 151644, 9707}));
  EXPECT_EQ(j["pieces"][2], "Hello");
  EXPECT_EQ(j["count"], 3);
  // Without special parsing the control token is plain text; without BOS no 151646.
  const auto plain = ids_of(run(m + " --json --no-bos --no-special '<｜User｜>Hello'"));
  ASSERT_GT(plain.size(), 3u);
  EXPECT_NE(plain.front(), 151646);
  EXPECT_EQ(std::count(plain.begin(), plain.end(), 151644), 0);
}

TEST(CliTokenize, StdinIsReadExactly) {
  LS_REQUIRE_ASSET(kVocab);
  const std::string m = "-m " + ls::test::shared_path(kVocab);
  // "Hi\n\n" keeps both newlines (198 = "\n", 271 = "\n\n").
  EXPECT_EQ(ids_of(run(m + " --json --no-bos -", "Hi\n\n")), (std::vector<int>{13048, 271}));
  const CliResult ids = run(m + " --ids-only -", "Hi");
  EXPECT_EQ(ids.out, "[151646, 13048]\n");
  const CliResult human = run(m + " -", "Hi\n");
  EXPECT_NE(human.out.find("13048 -> 'Hi'"), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("198 -> '\\n'"), std::string::npos) << human.out;
}

TEST(CliTokenize, ErrorsAreReported) {
  const CliResult r = run("-m /nonexistent/model.gguf hello");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("/nonexistent/model.gguf"), std::string::npos) << r.out;
  EXPECT_NE(run("hello").code, 0);  // -m is required
}

}  // namespace
