#include <gtest/gtest.h>

#include "kb/chunker.h"
#include "kb/formats.h"
#include "kb/token_estimate.h"

namespace ls::kb {
namespace {

ParsedDocument doc_of(std::string text) { return parse_text(std::move(text)); }

TEST(Chunker, SmallTextIsOneChunkWithOffsets) {
  auto chunks = chunk_document(doc_of("  Hello world.  "), {64, 8});
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].text, "Hello world.");
  EXPECT_EQ(chunks[0].start_offset, 2);
  EXPECT_EQ(chunks[0].end_offset, 14);
}

TEST(Chunker, EnglishSplitsAtSentenceEndsWithinBudget) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "Sentence number " + std::to_string(i) + " talks about cats. ";
  auto doc = doc_of(text);
  auto chunks = chunk_document(doc, {32, 0});
  ASSERT_GT(chunks.size(), 5u);
  for (const auto& c : chunks) {
    EXPECT_LE(estimate_tokens(c.text), 32) << c.text;
    EXPECT_EQ(c.text.substr(0, 9), "Sentence ") << c.text;        // starts at a sentence
    EXPECT_EQ(c.text.back(), '.') << c.text;                      // ends at a sentence end
    EXPECT_EQ(text.substr(static_cast<size_t>(c.start_offset), c.text.size()), c.text);  // offsets point back
  }
}

TEST(Chunker, ChineseSplitsAtChineseSentenceEnds) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += "这是一个关于猫的句子。它很长吗？是的！";
  auto chunks = chunk_document(doc_of(text), {40, 0});
  ASSERT_GT(chunks.size(), 3u);
  for (const auto& c : chunks) {
    EXPECT_LE(estimate_tokens(c.text), 40);
    std::string last = c.text.substr(c.text.size() - 3);
    EXPECT_TRUE(last == "。" || last == "？" || last == "！") << c.text;
  }
}

TEST(Chunker, OverlapRepeatsTrailingSentences) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "Short sentence " + std::to_string(i) + ". ";
  auto chunks = chunk_document(doc_of(text), {20, 8});
  ASSERT_GT(chunks.size(), 2u);
  for (size_t i = 1; i < chunks.size(); ++i) {
    EXPECT_LT(chunks[i].start_offset, chunks[i - 1].end_offset) << "chunk " << i << " does not overlap";
    EXPECT_GT(chunks[i].start_offset, chunks[i - 1].start_offset) << "chunk " << i << " does not advance";
  }
}

TEST(Chunker, UnbrokenTextIsCutToo) {
  std::string text(5000, 'x');
  auto chunks = chunk_document(doc_of(text), {50, 0});
  ASSERT_GT(chunks.size(), 1u);
  size_t total = 0;
  for (const auto& c : chunks) total += c.text.size();
  EXPECT_EQ(total, text.size());
  std::string cjk;
  for (int i = 0; i < 300; ++i) cjk += "猫";
  auto cc = chunk_document(doc_of(cjk), {50, 0});
  EXPECT_EQ(cc.size(), 6u);
}

TEST(Chunker, MarkdownHeadingsBecomePaths) {
  auto doc = parse_markdown("# Guide\nintro text\n## Install\nrun make\n### Linux\napt-get\n## Use\nsearch\n");
  EXPECT_EQ(doc.title, "Guide");
  auto chunks = chunk_document(doc, {100, 0});
  ASSERT_EQ(chunks.size(), 4u);
  EXPECT_EQ(chunks[0].heading_path, "Guide");
  EXPECT_EQ(chunks[1].heading_path, "Guide > Install");
  EXPECT_EQ(chunks[2].heading_path, "Guide > Install > Linux");
  EXPECT_EQ(chunks[2].text, "apt-get");
  EXPECT_EQ(chunks[3].heading_path, "Guide > Use");
}

TEST(Chunker, TitleOnlyDocumentKeepsOneEmptyChunk) {
  ParsedDocument d;
  d.title = "Only a title";
  auto chunks = chunk_document(d, {100, 0});
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_TRUE(chunks[0].text.empty());
}

}  // namespace
}  // namespace ls::kb
