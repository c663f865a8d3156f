#include "util/utf8.h"

#include <gtest/gtest.h>

namespace ls::utf8 {
namespace {

TEST(Utf8, DecodesValidSequences) {
  const std::string s = "a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80";  // a é 中 😀
  const auto cps = decode(s);
  ASSERT_EQ(cps.size(), 4u);
  EXPECT_EQ(cps[0], U'a');
  EXPECT_EQ(cps[1], 0xE9u);
  EXPECT_EQ(cps[2], 0x4E2Du);
  EXPECT_EQ(cps[3], 0x1F600u);
  EXPECT_TRUE(is_valid(s));
  EXPECT_EQ(encode(std::u32string(cps.begin(), cps.end())), s);
}

TEST(Utf8, ReplacesMaximalInvalidSubparts) {
  // Truncated 3-byte sequence followed by ASCII: one replacement for E4 B8, then 'x'.
  EXPECT_EQ(sanitize("\xE4\xB8x"), "\xEF\xBF\xBDx");
  // Lone continuation bytes: one replacement each.
  EXPECT_EQ(sanitize("\x80\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  // Overlong encoding of '/' and surrogate half are invalid.
  EXPECT_FALSE(is_valid("\xC0\xAF"));
  EXPECT_FALSE(is_valid("\xED\xA0\x80"));
  // A literal U+FFFD is valid input.
  EXPECT_TRUE(is_valid("\xEF\xBF\xBD"));
}

TEST(Utf8, IncompleteSuffixIsHeldBack) {
  EXPECT_EQ(incomplete_suffix_length("ab"), 0u);
  EXPECT_EQ(incomplete_suffix_length("a\xE4"), 1u);
  EXPECT_EQ(incomplete_suffix_length("a\xE4\xB8"), 2u);
  EXPECT_EQ(incomplete_suffix_length("a\xE4\xB8\xAD"), 0u);
  EXPECT_EQ(incomplete_suffix_length("\xF0\x9F\x98"), 3u);
  EXPECT_EQ(incomplete_suffix_length("a\xE4x"), 0u);
}

}  // namespace
}  // namespace ls::utf8
