#include "chat/reasoning_parser.h"

#include <algorithm>

#include "util/utf8.h"

namespace ls::chat {
namespace {

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t leading_ws(const std::string& s) {
  size_t i = 0;
  while (i < s.size() && is_ws(s[i])) ++i;
  return i;
}

// Length of the longest suffix of s that is a proper prefix of tag (a tag that may be completed
// by the next delta).
size_t partial_tag_suffix(const std::string& s, const std::string& tag) {
  const size_t max = std::min(s.size(), tag.size() - 1);
  for (size_t len = max; len > 0; --len)
    if (s.compare(s.size() - len, len, tag, 0, len) == 0) return len;
  return 0;
}

bool is_prefix_of(const std::string& s, size_t from, const std::string& tag) {
  const size_t n = s.size() - from;
  return n <= tag.size() && s.compare(from, n, tag, 0, n) == 0;
}

}  // namespace

bool prompt_opens_reasoning(std::string_view prompt, std::string_view open_tag) {
  size_t end = prompt.size();
  while (end > 0 && is_ws(prompt[end - 1])) --end;
  return end >= open_tag.size() && prompt.substr(end - open_tag.size(), open_tag.size()) == open_tag;
}

ReasoningParser::ReasoningParser(bool starts_in_reasoning, std::string open_tag, std::string close_tag)
    : open_(std::move(open_tag)),
      close_(std::move(close_tag)),
      state_(starts_in_reasoning ? State::kReasoning : State::kStart) {}

ReasoningDelta ReasoningParser::feed(std::string_view delta) {
  buf_.append(delta);
  return drain(false);
}

ReasoningDelta ReasoningParser::finish() { return drain(true); }

ReasoningDelta ReasoningParser::drain(bool final) {
  ReasoningDelta out;
  while (true) {
    switch (state_) {
      case State::kStart: {
        const size_t ws = leading_ws(buf_);
        if (buf_.compare(ws, open_.size(), open_) == 0) {
          buf_.erase(0, ws + open_.size());
          state_ = State::kReasoning;
          open_checked_ = true;
          continue;
        }
        if (!final && is_prefix_of(buf_, ws, open_)) return out;  // maybe the tag is still coming
        state_ = State::kContent;
        content_started_ = true;  // no think block: the text is the answer, verbatim
        continue;
      }
      case State::kReasoning: {
        if (!open_checked_ && !reasoning_started_) {
          // A model may repeat the "<think>" its prompt already opened.
          const size_t ws = leading_ws(buf_);
          if (buf_.compare(ws, open_.size(), open_) == 0) {
            buf_.erase(0, ws + open_.size());
            open_checked_ = true;
          } else if (!final && is_prefix_of(buf_, ws, open_)) {
            return out;
          } else {
            open_checked_ = true;
          }
        }
        const size_t at = buf_.find(close_);
        if (at != std::string::npos) {
          emit_reasoning(buf_.substr(0, at), true, final, out);
          buf_.erase(0, at + close_.size());
          state_ = State::kContent;
          continue;
        }
        const size_t hold = final ? 0 : partial_tag_suffix(buf_, close_);
        emit_reasoning(buf_.substr(0, buf_.size() - hold), false, final, out);
        buf_.erase(0, buf_.size() - hold);
        return out;
      }
      case State::kContent:
        emit_content(std::move(buf_), final, out);
        buf_.clear();
        return out;
    }
  }
}

void ReasoningParser::emit_reasoning(std::string text, bool closing, bool final, ReasoningDelta& out) {
  std::string r = std::move(reasoning_hold_);
  reasoning_hold_.clear();
  r += text;
  if (!reasoning_started_) {
    r.erase(0, leading_ws(r));
    if (r.empty()) return;
    reasoning_started_ = true;
  }
  size_t end = (closing || final) ? r.size() : r.size() - utf8::incomplete_suffix_length(r);
  while (end > 0 && is_ws(r[end - 1])) --end;
  // Trailing whitespace waits for more reasoning; before </think> (or at the end) it is dropped.
  if (!closing && !final) reasoning_hold_ = r.substr(end);
  out.reasoning.append(r, 0, end);
}

void ReasoningParser::emit_content(std::string text, bool final, ReasoningDelta& out) {
  std::string c = std::move(content_hold_);
  content_hold_.clear();
  c += text;
  if (!content_started_) {
    c.erase(0, leading_ws(c));  // the blank line(s) after </think>
    if (c.empty()) return;
    content_started_ = true;
  }
  const size_t cut = final ? c.size() : c.size() - utf8::incomplete_suffix_length(c);
  content_hold_ = c.substr(cut);
  out.content.append(c, 0, cut);
}

}  // namespace ls::chat
