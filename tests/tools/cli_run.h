// Runs `localseek` with arguments; captures stdout (stderr too when asked) and the exit code.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "test_support.h"

namespace ls::tools::test_cli {

struct CliRun {
  int exit_code;
  std::string out;
};

inline CliRun run(const std::string& args, bool with_stderr = false) {
  const std::string cmd = ls::test::binary() + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return {-1, ""};
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

}  // namespace ls::tools::test_cli
