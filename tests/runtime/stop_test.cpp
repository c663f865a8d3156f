#include "runtime/stop.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace ls::runtime {
namespace {

std::string feed_all(StopStrings& s, const std::vector<std::string>& pieces, bool* stopped) {
  std::string out;
  *stopped = false;
  for (const auto& p : pieces) {
    auto step = s.push(p);
    out += step.emit;
    if (step.stopped) {
      *stopped = true;
      return out;
    }
  }
  return out + s.flush();
}

TEST(StopStrings, NoStopsPassesThrough) {
  StopStrings s;
  bool stopped;
  EXPECT_EQ(feed_all(s, {"a", "bc", ""}, &stopped), "abc");
  EXPECT_FALSE(stopped);
}

TEST(StopStrings, StopSplitAcrossPiecesIsNeverEmitted) {
  StopStrings s({"</answer>"});
  auto a = s.push("hello </an");
  EXPECT_EQ(a.emit, "hello ");  // "</an" held back
  EXPECT_FALSE(a.stopped);
  auto b = s.push("swer> tail");
  EXPECT_TRUE(b.stopped);
  EXPECT_EQ(b.emit, "");
}

TEST(StopStrings, FalseAlarmIsReleased) {
  StopStrings s({"STOP"});
  bool stopped;
  EXPECT_EQ(feed_all(s, {"ST", "OP", "x"}, &stopped), "");
  EXPECT_TRUE(stopped);
  StopStrings t({"STOP"});
  EXPECT_EQ(feed_all(t, {"ST", "AR", "T"}, &stopped), "START");
  EXPECT_FALSE(stopped);
}

TEST(StopStrings, EarliestOfSeveralWins) {
  StopStrings s({"bb", "a"});
  auto step = s.push("xxbba");
  EXPECT_TRUE(step.stopped);
  EXPECT_EQ(step.emit, "xx");
}

TEST(EndOfGeneration, EosFromMetadata) {
  LS_REQUIRE_ASSET("models/tiny-qwen2-f32.gguf");
  auto f = gguf::File::open(test::shared_path("models/tiny-qwen2-f32.gguf"));
  ASSERT_TRUE(f.ok());
  auto t = tok::Tokenizer::from_gguf(*f);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(end_of_generation_ids(*f, *t), std::vector<int32_t>{2});
}

}  // namespace
}  // namespace ls::runtime
