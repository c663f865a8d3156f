// Streams a reply to stdout with DeepSeek-R1's reasoning set apart from the answer: dimmed on a
// terminal, "[thinking] … [answer] …" labels when piped. Shared by `chat` and `ask`. Header-only,
// like the flag helpers.
#pragma once

#include <cstdio>
#include <string>

namespace ls::cli {

class ReasoningPrinter {
 public:
  explicit ReasoningPrinter(bool tty) : tty_(tty) {}

  void reasoning(const std::string& s) { write(s, true); }
  void content(const std::string& s) { write(s, false); }
  // Ends the reply: normal intensity again, a newline.
  void end() {
    if (dim_ && tty_) std::fputs("\x1b[0m", stdout);
    dim_ = false;
    std::fputs("\n", stdout);
    std::fflush(stdout);
  }

 private:
  void write(const std::string& s, bool dim) {
    if (s.empty()) return;
    if (tty_ && dim != dim_) std::fputs(dim ? "\x1b[2m" : "\x1b[0m", stdout);
    if (!tty_ && dim && !dim_) std::fputs("[thinking] ", stdout);
    if (!tty_ && !dim && dim_) std::fputs("\n[answer] ", stdout);
    dim_ = dim;
    std::fwrite(s.data(), 1, s.size(), stdout);
    std::fflush(stdout);
  }

  bool tty_;
  bool dim_ = false;  // the last text written was reasoning
};

}  // namespace ls::cli
