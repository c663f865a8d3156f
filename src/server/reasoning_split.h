// Splits a DeepSeek-R1 generation into its <think>…</think> reasoning and the answer, token by
// token. A stand-in until chat/'s ReasoningParser lands in main; the server only uses this small
// interface, so switching is one file.
#pragma once

#include <string>
#include <string_view>

namespace ls::server {

class ReasoningSplitter {
 public:
  struct Delta {
    std::string reasoning;
    std::string content;
  };

  // `starts_in_reasoning`: the prompt already opened the think block (R1's template does).
  explicit ReasoningSplitter(bool starts_in_reasoning);

  // Text that might still become a tag is held back until the next call or finish().
  Delta feed(std::string_view text);
  Delta finish();

 private:
  enum class State { kStart, kReasoningStart, kReasoning, kContentStart, kContent };
  void run(Delta& out, bool at_end);

  State state_;
  std::string pending_;
};

}  // namespace ls::server
