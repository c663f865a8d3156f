#include <gtest/gtest.h>

#include "kb/analyzer.h"
#include "kb/bm25_retriever.h"
#include "kb/token_estimate.h"

namespace ls::kb {
namespace {

using V = std::vector<std::string>;

TEST(Analyzer, FoldsCaseAndAccentsAndStems) {
  Analyzer a;
  EXPECT_EQ(a.terms("Running CAFÉ café naïve"), (V{"run", "cafe", "cafe", "naiv"}));
}

TEST(Analyzer, DropsEnglishStopwordsUnlessDisabled) {
  EXPECT_EQ(Analyzer().terms("the cat and the hat"), (V{"cat", "hat"}));
  AnalyzerOptions o;
  o.stopwords = false;
  o.stem = false;
  EXPECT_EQ(Analyzer(o).terms("the cats"), (V{"the", "cats"}));
}

TEST(Analyzer, FullWidthLettersAndDigitsFoldToAscii) {
  AnalyzerOptions o;
  o.stem = false;
  EXPECT_EQ(Analyzer(o).terms("ＡＢＣ１２３"), (V{"abc123"}));
}

TEST(Analyzer, ChineseUnigramsAndBigrams) {
  Analyzer a;
  EXPECT_EQ(a.terms("北京大学"), (V{"北", "北京", "京", "京大", "大", "大学", "学"}));
  AnalyzerOptions bi;
  bi.cjk = CjkMode::kBigram;
  EXPECT_EQ(Analyzer(bi).terms("北京大学"), (V{"北京", "京大", "大学"}));
  EXPECT_EQ(Analyzer(bi).terms("北"), (V{"北"}));
  AnalyzerOptions uni;
  uni.cjk = CjkMode::kUnigram;
  EXPECT_EQ(Analyzer(uni).terms("北京"), (V{"北", "京"}));
}

TEST(Analyzer, MixedScriptsSplitAtScriptBoundaries) {
  Analyzer a;
  EXPECT_EQ(a.terms("DECnet是协议"), (V{"decnet", "是", "是协", "协", "协议", "议"}));
}

TEST(Analyzer, IcuWordSegmentationProducesWords) {
  AnalyzerOptions o;
  o.cjk = CjkMode::kIcuWords;
  V t = Analyzer(o).terms("我爱北京天安门");
  ASSERT_FALSE(t.empty());
  std::string joined;
  for (auto& s : t) joined += s;
  EXPECT_EQ(joined, "我爱北京天安门");  // a segmentation covers the run exactly
  EXPECT_NE(std::find(t.begin(), t.end(), "北京"), t.end());
}

TEST(Analyzer, PunctuationEmojiAndBomAreSeparators) {
  Analyzer a;
  EXPECT_EQ(a.terms("\xEF\xBB\xBFhello, 🙂 world!!! \"quoted\" (x) AND OR NOT NEAR*"),
            (V{"hello", "world", "quot", "x", "near"}));
  EXPECT_TRUE(a.terms("🙂🙂 ... ??? \"\" ** ()").empty());
}

TEST(Analyzer, InvalidUtf8AndHugeTokensAreBounded) {
  Analyzer a;
  std::string bad = "ab\xff\xfe cd \xc3";
  EXPECT_EQ(a.terms(bad), (V{"ab", "cd"}));
  std::string huge(10000, 'x');
  V t = a.terms(huge);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_LE(t[0].size(), Analyzer::kMaxTermBytes);
}

TEST(Analyzer, OptionsRoundTripAndRejectUnknown) {
  AnalyzerOptions o;
  o.cjk = CjkMode::kIcuWords;
  o.stem = false;
  auto back = AnalyzerOptions::parse(o.to_args());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->cjk, CjkMode::kIcuWords);
  EXPECT_FALSE(back->stem);
  EXPECT_FALSE(AnalyzerOptions::parse({"cjk=klingon"}).ok());
  EXPECT_FALSE(AnalyzerOptions::parse({"colour=blue"}).ok());
}

TEST(Analyzer, QuestionWordsDroppedFromQueriesOnly) {
  Analyzer a;
  EXPECT_EQ(drop_question_terms(a.terms("What is DECnet")), (V{"decnet"}));
  EXPECT_EQ(drop_question_terms(a.terms("DECnet是什么")), (V{"decnet", "是"}));
  EXPECT_EQ(drop_question_terms(a.terms("what")), (V{"what"}));  // nothing else left: kept
}

TEST(MatchExpression, QuotesEveryTermAndDoublesQuotes) {
  EXPECT_EQ(build_match_expression({"a", "b\"c"}), "\"a\" OR \"b\"\"c\"");
}

TEST(TokenEstimate, CountsWordsCjkAndPunctuation) {
  EXPECT_EQ(estimate_tokens(""), 0);
  EXPECT_EQ(estimate_tokens("the cat"), 2);
  EXPECT_EQ(estimate_tokens("information"), 2);
  EXPECT_EQ(estimate_tokens("北京大学"), 4);
  EXPECT_EQ(estimate_tokens("a, b."), 4);
}

}  // namespace
}  // namespace ls::kb
