// Splits DeepSeek-R1 output into reasoning (inside <think>…</think>) and the answer, as the text
// streams in. Tags may arrive split across deltas at any byte; the generation prompt may already
// have opened the think block (R1 templates end the prompt with "<think>\n"); a response may
// have no think block at all. Whitespace right inside the think block and between </think> and
// the answer is dropped, as the OpenAI-style `reasoning_content` / `content` fields expect.
// Every delta returned is valid UTF-8 whenever the whole input is (incomplete characters are
// held back until they complete).
#pragma once

#include <string>
#include <string_view>

namespace ls::chat {

struct ReasoningDelta {
  std::string reasoning;
  std::string content;
};

class ReasoningParser {
 public:
  // starts_in_reasoning: the prompt ended inside an open think block.
  explicit ReasoningParser(bool starts_in_reasoning = false, std::string open_tag = "<think>",
                           std::string close_tag = "</think>");

  ReasoningDelta feed(std::string_view delta);
  // End of generation: releases anything held back (an unfinished tag is plain text).
  ReasoningDelta finish();

  // True once the think block has been closed (or there was none).
  bool in_content() const { return state_ == State::kContent; }

 private:
  enum class State { kStart, kReasoning, kContent };
  ReasoningDelta drain(bool final);
  void emit_reasoning(std::string text, bool closing, bool final, ReasoningDelta& out);
  void emit_content(std::string text, bool final, ReasoningDelta& out);

  std::string open_;
  std::string close_;
  State state_;
  bool open_checked_ = false;     // a redundant "<think>" after a pre-opened block was looked for
  bool reasoning_started_ = false;
  bool content_started_ = false;
  std::string buf_;               // not yet classified (may hold a partial tag)
  std::string reasoning_hold_;    // trailing whitespace / partial UTF-8 of the reasoning
  std::string content_hold_;      // partial UTF-8 of the content
};

// True when a rendered prompt ends inside an open think block ("…<｜Assistant｜><think>\n"), so
// the generation starts with reasoning: pass the result as `starts_in_reasoning`.
bool prompt_opens_reasoning(std::string_view prompt, std::string_view open_tag = "<think>");

}  // namespace ls::chat
