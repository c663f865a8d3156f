#include "server/reasoning_split.h"

#include <algorithm>

namespace ls::server {
namespace {

constexpr std::string_view kOpen = "<think>";
constexpr std::string_view kClose = "</think>";

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Length of the longest suffix of `s` that is a proper prefix of `tag` (a tag cut in two tokens).
size_t partial_tag_suffix(std::string_view s, std::string_view tag) {
  for (size_t n = std::min(s.size(), tag.size() - 1); n > 0; --n)
    if (s.substr(s.size() - n) == tag.substr(0, n)) return n;
  return 0;
}

size_t trailing_space(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && is_space(s[s.size() - 1 - n])) ++n;
  return n;
}

}  // namespace

ReasoningSplitter::ReasoningSplitter(bool starts_in_reasoning)
    : state_(starts_in_reasoning ? State::kReasoningStart : State::kStart) {}

ReasoningSplitter::Delta ReasoningSplitter::feed(std::string_view text) {
  pending_.append(text);
  Delta out;
  run(out, false);
  return out;
}

ReasoningSplitter::Delta ReasoningSplitter::finish() {
  Delta out;
  run(out, true);
  return out;
}

void ReasoningSplitter::run(Delta& out, bool at_end) {
  for (;;) {
    switch (state_) {
      case State::kStart: {
        // Leading whitespace, then either "<think>" or the answer.
        size_t i = 0;
        while (i < pending_.size() && is_space(pending_[i])) ++i;
        std::string_view rest = std::string_view(pending_).substr(i);
        if (rest.substr(0, kOpen.size()) == kOpen) {
          pending_.erase(0, i + kOpen.size());
          state_ = State::kReasoningStart;
          continue;
        }
        if (!at_end && (rest.empty() || kOpen.substr(0, rest.size()) == rest)) return;
        state_ = State::kContent;
        continue;
      }
      case State::kReasoningStart:
      case State::kContentStart: {
        size_t i = 0;
        while (i < pending_.size() && is_space(pending_[i])) ++i;
        pending_.erase(0, i);
        if (pending_.empty() && !at_end) return;
        state_ = state_ == State::kReasoningStart ? State::kReasoning : State::kContent;
        continue;
      }
      case State::kReasoning: {
        size_t close = pending_.find(kClose);
        if (close != std::string::npos) {
          std::string_view thought = std::string_view(pending_).substr(0, close);
          thought.remove_suffix(trailing_space(thought));  // "…\n</think>": the newline is layout
          out.reasoning.append(thought);
          pending_.erase(0, close + kClose.size());
          state_ = State::kContentStart;
          continue;
        }
        if (at_end) {  // cut off while thinking: everything was reasoning
          std::string_view thought = pending_;
          thought.remove_suffix(trailing_space(thought));
          out.reasoning.append(thought);
          pending_.clear();
          return;
        }
        // Hold back what may be the start of "</think>" and whitespace that may precede it.
        size_t keep = partial_tag_suffix(pending_, kClose);
        std::string_view before = std::string_view(pending_).substr(0, pending_.size() - keep);
        keep += trailing_space(before);
        out.reasoning.append(pending_, 0, pending_.size() - keep);
        pending_.erase(0, pending_.size() - keep);
        return;
      }
      case State::kContent:
        out.content.append(pending_);
        pending_.clear();
        return;
    }
  }
}

}  // namespace ls::server
