// The <think> splitter gives the same reasoning/content however the text is cut into deltas.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chat/reasoning_parser.h"
#include "util/utf8.h"

namespace ls::chat {
namespace {

struct Split {
  std::string reasoning;
  std::string content;
};

Split run(const std::vector<std::string>& deltas, bool starts_in_reasoning) {
  ReasoningParser p(starts_in_reasoning);
  Split s;
  for (const auto& d : deltas) {
    ReasoningDelta r = p.feed(d);
    s.reasoning += r.reasoning;
    s.content += r.content;
  }
  ReasoningDelta r = p.finish();
  s.reasoning += r.reasoning;
  s.content += r.content;
  return s;
}

// Feeds `text` whole, byte by byte, and split at every position (two deltas): all agree with
// the expectation, and every delta is valid UTF-8.
void check_all_splits(const std::string& text, bool starts_in_reasoning, const std::string& reasoning,
                      const std::string& content) {
  SCOPED_TRACE("text: " + text);
  Split whole = run({text}, starts_in_reasoning);
  EXPECT_EQ(whole.reasoning, reasoning);
  EXPECT_EQ(whole.content, content);
  std::vector<std::string> bytes;
  for (char c : text) bytes.emplace_back(1, c);
  {
    ReasoningParser p(starts_in_reasoning);
    Split s;
    for (const auto& b : bytes) {
      ReasoningDelta r = p.feed(b);
      EXPECT_TRUE(utf8::is_valid(r.reasoning)) << "invalid UTF-8 reasoning delta";
      EXPECT_TRUE(utf8::is_valid(r.content)) << "invalid UTF-8 content delta";
      s.reasoning += r.reasoning;
      s.content += r.content;
    }
    ReasoningDelta r = p.finish();
    s.reasoning += r.reasoning;
    s.content += r.content;
    EXPECT_EQ(s.reasoning, reasoning) << "byte by byte";
    EXPECT_EQ(s.content, content) << "byte by byte";
  }
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    Split s = run({text.substr(0, cut), text.substr(cut)}, starts_in_reasoning);
    EXPECT_EQ(s.reasoning, reasoning) << "cut at " << cut;
    EXPECT_EQ(s.content, content) << "cut at " << cut;
  }
}

TEST(ReasoningParser, ThinkBlockThenAnswer) {
  check_all_splits("<think>\n我们来算一下：1+1=2。\n</think>\n\n答案是 2。", false, "我们来算一下：1+1=2。", "答案是 2。");
}

TEST(ReasoningParser, PromptAlreadyOpenedTheThinkBlock) {
  // R1 templates end the prompt with "<think>\n": the output starts inside the block.
  check_all_splits("Let me think.\nStill thinking.\n</think>\n\nThe answer is 4.", true,
                   "Let me think.\nStill thinking.", "The answer is 4.");
}

TEST(ReasoningParser, RedundantOpenTagAfterPreOpenedBlockIsDropped) {
  check_all_splits("<think>\nhmm\n</think>ok", true, "hmm", "ok");
}

TEST(ReasoningParser, NoThinkBlockAtAll) {
  check_all_splits("Just an answer, <b>no</b> thinking.", false, "", "Just an answer, <b>no</b> thinking.");
  check_all_splits("  <thin is not a tag", false, "", "  <thin is not a tag");
}

TEST(ReasoningParser, EmptyThinkBlock) {
  check_all_splits("<think>\n\n</think>\n\nHello", false, "", "Hello");
  check_all_splits("</think>Hello", true, "", "Hello");
}

TEST(ReasoningParser, UnclosedThinkBlockIsAllReasoning) {
  // Generation stopped (length limit) before </think>: a partial tag at the end is text.
  check_all_splits("<think>\nstep 1\nstep 2 </thi", false, "step 1\nstep 2 </thi", "");
  check_all_splits("step 1", true, "step 1", "");
}

TEST(ReasoningParser, LookalikeTagsInsideReasoningAreText) {
  check_all_splits("<think>a </thinking> b <think> c</think>d </think> e", false, "a </thinking> b <think> c",
                   "d </think> e");
}

TEST(ReasoningParser, WhitespaceInsideReasoningIsKeptOnlyAtTheEdgesDropped) {
  check_all_splits("<think>\n  line 1\n\n  line 2  \n</think>\n\n  answer  \n", false, "line 1\n\n  line 2",
                   "answer  \n");
}

TEST(ReasoningParser, DetectsAPromptThatOpensTheThinkBlock) {
  EXPECT_TRUE(prompt_opens_reasoning("<｜User｜>hi<｜Assistant｜><think>\n"));
  EXPECT_TRUE(prompt_opens_reasoning("<think>"));
  EXPECT_FALSE(prompt_opens_reasoning("<｜User｜>hi<｜Assistant｜>"));
  EXPECT_FALSE(prompt_opens_reasoning("<｜Assistant｜><think></think>"));
  EXPECT_FALSE(prompt_opens_reasoning(""));
}

TEST(ReasoningParser, StreamsIncrementally) {
  ReasoningParser p(true);
  ReasoningDelta a = p.feed("abc");
  EXPECT_EQ(a.reasoning, "abc");
  ReasoningDelta b = p.feed(" def</th");
  EXPECT_EQ(b.reasoning, " def");  // "</th" may be the start of the closing tag: held back
  EXPECT_FALSE(p.in_content());
  ReasoningDelta c = p.feed("ink>\n\nAns");
  EXPECT_EQ(c.reasoning, "");
  EXPECT_EQ(c.content, "Ans");
  EXPECT_TRUE(p.in_content());
  ReasoningDelta d = p.feed("wer");
  EXPECT_EQ(d.content, "wer");
  ReasoningDelta e = p.finish();
  EXPECT_EQ(e.content, "");
  EXPECT_EQ(e.reasoning, "");
}

}  // namespace
}  // namespace ls::chat
