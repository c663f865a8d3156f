// Runs the `localseek` binary with arguments and captures its output (stderr merged unless asked
// otherwise, e.g. when stdout must parse as JSON) and exit code. Shared by every CLI test.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "test_support.h"

namespace ls::test {

struct CliRun {
  int exit_code;
  std::string out;
};

inline CliRun run_cli(const std::string& args, bool with_stderr = true) {
  const std::string cmd = binary() + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return {-1, ""};
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

}  // namespace ls::test
