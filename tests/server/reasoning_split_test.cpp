// The <think> splitter must give the same result however the text is cut into tokens.
#include <gtest/gtest.h>

#include "server/reasoning_split.h"

namespace ls::server {
namespace {

ReasoningSplitter::Delta split_in_pieces(const std::string& text, size_t piece, bool opens) {
  ReasoningSplitter s(opens);
  ReasoningSplitter::Delta all;
  for (size_t i = 0; i < text.size(); i += piece) {
    auto d = s.feed(text.substr(i, piece));
    all.reasoning += d.reasoning;
    all.content += d.content;
  }
  auto d = s.finish();
  all.reasoning += d.reasoning;
  all.content += d.content;
  return all;
}

void expect_split(const std::string& text, bool opens, const std::string& reasoning,
                  const std::string& content) {
  for (size_t piece = 1; piece <= text.size() + 1; ++piece) {
    auto d = split_in_pieces(text, piece, opens);
    EXPECT_EQ(d.reasoning, reasoning) << "piece " << piece << " of: " << text;
    EXPECT_EQ(d.content, content) << "piece " << piece << " of: " << text;
  }
}

TEST(ReasoningSplitter, ThinkBlockThenAnswer) {
  expect_split("<think>\nLet me see.\n</think>\n\nThe answer is 4.", false, "Let me see.",
               "The answer is 4.");
}

TEST(ReasoningSplitter, PromptOpenedTheBlock) {
  expect_split("Hmm, 2+2.\n</think>\n\n4", true, "Hmm, 2+2.", "4");
}

TEST(ReasoningSplitter, NoThinkBlockIsAllContent) {
  expect_split("Plain answer <b>bold</b>", false, "", "Plain answer <b>bold</b>");
  expect_split("<thin", false, "", "<thin");
}

TEST(ReasoningSplitter, CutOffWhileThinkingIsAllReasoning) {
  expect_split("<think>still thinking about </thi", false, "still thinking about </thi", "");
}

TEST(ReasoningSplitter, InnerWhitespaceKept) {
  expect_split("<think>a \n b</think>x  y", false, "a \n b", "x  y");
}

TEST(ReasoningSplitter, EmptyThinkBlock) {
  expect_split("<think>\n\n</think>\n\nHi", false, "", "Hi");
}

TEST(ReasoningSplitter, StreamsReasoningBeforeTheEnd) {
  ReasoningSplitter s(false);
  auto d = s.feed("<think>abc");
  EXPECT_EQ(d.reasoning, "abc");  // no waiting for </think> before sending reasoning
  d = s.feed(" def</");
  EXPECT_EQ(d.reasoning, " def");  // "</" held: it may be the closing tag
  d = s.feed("think>ok");
  EXPECT_EQ(d.content, "ok");
}

}  // namespace
}  // namespace ls::server
