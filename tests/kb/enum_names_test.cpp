// The knowledge base's enum names (kb/enum_names.h): every name reads back to itself, aliases read
// to their value but are never printed, and an unknown name is refused with the accepted ones.
#include <gtest/gtest.h>

#include "kb/analyzer.h"
#include "kb/formats.h"
#include "kb/types.h"
#include "kb/vector_codec.h"

namespace ls::kb {
namespace {

TEST(KbEnumNames, EveryNameRoundTrips) {
  for (const char* n : {"bm25", "dense", "hybrid"}) EXPECT_STREQ(search_mode_name(*parse_search_mode(n)), n);
  for (const char* n : {"rrf", "weighted"}) EXPECT_STREQ(fusion_method_name(*parse_fusion_method(n)), n);
  for (const char* n : {"f32", "f16", "int8"}) EXPECT_STREQ(vector_encoding_name(*parse_vector_encoding(n)), n);
  for (const char* n : {"unibi", "bi", "uni", "icu", "unibi+icu"}) EXPECT_STREQ(cjk_mode_name(*parse_cjk_mode(n)), n);
  for (const char* n : {"text", "markdown", "html", "pdf", "jsonl"}) EXPECT_STREQ(format_name(*parse_format_name(n)), n);
}

TEST(KbEnumNames, AliasReadsButIsNotPrinted) {
  auto i8 = parse_vector_encoding("i8");
  ASSERT_TRUE(i8.ok());
  EXPECT_EQ(*i8, VectorEncoding::kI8);
  EXPECT_STREQ(vector_encoding_name(*i8), "int8");
}

TEST(KbEnumNames, UnknownNameListsTheAcceptedOnes) {
  EXPECT_EQ(parse_search_mode("sparse").error().message, "unknown search mode 'sparse' (bm25, dense, hybrid)");
  EXPECT_EQ(parse_fusion_method("max").error().message, "unknown fusion method 'max' (rrf, weighted)");
  EXPECT_EQ(parse_vector_encoding("q4").error().message, "unknown vector encoding 'q4' (f32, f16, int8)");
  EXPECT_EQ(parse_cjk_mode("x").error().message, "unknown CJK tokenisation 'x' (unibi, bi, uni, icu, unibi+icu)");
  EXPECT_EQ(parse_format_name("docx").error().message, "unknown format 'docx' (text, markdown, html, pdf, jsonl)");
  EXPECT_EQ(parse_search_mode("").error().kind, ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace ls::kb
