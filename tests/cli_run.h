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

// `s` as one shell word: single-quoted, an embedded ' written as '\''. Built with append: GCC 12
// warns spuriously (-Wrestrict) on "'" + s + "'".
inline std::string shell_quote(const std::string& s) {
  std::string q(1, '\'');
  for (char c : s) {
    if (c == '\'') q.append("'\\''");
    else q.push_back(c);
  }
  q.push_back('\'');
  return q;
}

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
