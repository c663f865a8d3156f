// Answer EM/F1 against values worked out by hand from the SQuAD v1.1 / CMRC 2018 definitions.
#include <gtest/gtest.h>

#include "rag/answer_metrics.h"

namespace ls::rag {
namespace {

using Tokens = std::vector<std::string>;

TEST(AnswerMetricsEnglish, NormalisesCasePunctuationArticlesAndSpaces) {
  EXPECT_EQ(squad_tokens("  The Eiffel\tTOWER!  "), (Tokens{"eiffel", "tower"}));
  EXPECT_EQ(squad_tokens("don't stop, an apple a day"), (Tokens{"dont", "stop", "apple", "day"}));
  // Only ASCII punctuation goes (string.punctuation); an en dash stays part of the word.
  EXPECT_EQ(squad_tokens("24–10"), (Tokens{"24–10"}));
  // "theme" and "another" are not articles.
  EXPECT_EQ(squad_tokens("the theme of another"), (Tokens{"theme", "of", "another"}));
}

TEST(AnswerMetricsEnglish, ExactMatchAndBagOfTokensF1) {
  AnswerScore s = score_english("The Eiffel Tower!", {"Eiffel tower"});
  EXPECT_EQ(s.exact_match, 1);
  EXPECT_DOUBLE_EQ(s.f1, 1);
  // [in paris france] vs [paris]: 1 common, P = 1/3, R = 1, F1 = 2(1/3)(1)/(4/3) = 0.5.
  s = score_english("in Paris, France", {"Paris"});
  EXPECT_EQ(s.exact_match, 0);
  EXPECT_DOUBLE_EQ(s.f1, 0.5);
  // Repeated tokens count as often as both sides have them: [cat cat cat] vs [cat cat dog]: 2 common,
  // P = R = 2/3, F1 = 2/3.
  s = score_english("the cat cat cat", {"cat cat dog"});
  EXPECT_NEAR(s.f1, 2.0 / 3.0, 1e-12);
  EXPECT_EQ(score_english("nothing alike", {"Paris"}).f1, 0);
}

TEST(AnswerMetricsEnglish, BestOverSeveralGoldAnswers) {
  EXPECT_EQ(score_english("Denver Broncos", {"Broncos", "the Denver Broncos", "Carolina"}).exact_match, 1);
  // [blue car] vs [red car]: F1 0.5; vs [blue truck car]: 2 common, P = 1, R = 2/3, F1 = 0.8. EM and
  // F1 take their maxima independently.
  AnswerScore s = score_english("a blue car", {"red car", "blue truck car"});
  EXPECT_EQ(s.exact_match, 0);
  EXPECT_NEAR(s.f1, 0.8, 1e-12);
}

TEST(AnswerMetricsEnglish, EmptyAnswersFollowSquadV2) {
  EXPECT_EQ(score_english("", {"Paris"}).f1, 0);
  EXPECT_EQ(score_english("", {"Paris"}).exact_match, 0);
  EXPECT_EQ(score_english("Paris", {"the"}).f1, 0);  // the gold normalises to nothing
  AnswerScore both_empty = score_english("The.", {"a"});
  EXPECT_EQ(both_empty.exact_match, 1);
  EXPECT_EQ(both_empty.f1, 1);
  EXPECT_EQ(score_english("Paris", {}).f1, 0);  // no gold answer: nothing to match
}

TEST(AnswerMetricsChinese, CharactersAndAsciiRunsWithoutPunctuationOrSpaces) {
  EXPECT_EQ(cmrc_tokens("光荣和 ω-Force。"), (Tokens{"光", "荣", "和", "ω", "force"}));
  EXPECT_EQ(cmrc_tokens("「战史演武」&「争霸演武」"), (Tokens{"战", "史", "演", "武", "争", "霸", "演", "武"}));
  EXPECT_EQ(cmrc_tokens("２０１８年～"), (Tokens{"２０１８", "年"}));  // full-width tilde is punctuation
  EXPECT_TRUE(cmrc_tokens(" ，。！ ").empty());
}

TEST(AnswerMetricsChinese, LongestCommonRunF1AndExactMatch) {
  AnswerScore s = score_chinese("北京。", {"北京"});
  EXPECT_EQ(s.exact_match, 1);
  EXPECT_DOUBLE_EQ(s.f1, 1);
  // [位 于 北 京 市] vs [北 京]: common run 2, P = 2/5, R = 1, F1 = 0.8/1.4 = 4/7.
  s = score_chinese("位于北京市", {"北京"});
  EXPECT_EQ(s.exact_match, 0);
  EXPECT_NEAR(s.f1, 4.0 / 7.0, 1e-12);
  // The run must be contiguous and in order: [京 北] vs [北 京] share runs of 1 only, F1 = 0.5
  // (a bag overlap would say 1).
  EXPECT_DOUBLE_EQ(score_chinese("京北", {"北京"}).f1, 0.5);
  // Spaces and punctuation do not break an exact match; case does not either.
  EXPECT_EQ(score_chinese("光荣和 ω-FORCE", {"光荣和ω-force"}).exact_match, 1);
}

TEST(AnswerMetricsChinese, BestOverSeveralGoldAnswersAndEmpty) {
  EXPECT_EQ(score_chinese("村雨城", {"任天堂游戏谜之村雨城", "村雨城"}).exact_match, 1);
  // [任 天 堂] vs the 10-character gold: run 3, P = 1, R = 0.3, F1 = 0.6/1.3 = 6/13; vs 村雨城: 0.
  AnswerScore s = score_chinese("任天堂", {"任天堂游戏谜之村雨城", "村雨城"});
  EXPECT_EQ(s.exact_match, 0);
  EXPECT_NEAR(s.f1, 6.0 / 13.0, 1e-12);
  EXPECT_EQ(score_chinese("", {"北京"}).f1, 0);
  EXPECT_EQ(score_chinese("。", {"北京"}).exact_match, 0);
  EXPECT_EQ(score_chinese("。", {"——"}).exact_match, 1);  // both normalise to nothing
}

TEST(AnswerMetrics, LanguageSelectsTheRules) {
  // English rules drop the article; Chinese rules keep "the" as a token.
  EXPECT_EQ(score_answer("the Paris", {"Paris"}, Language::kEnglish).exact_match, 1);
  EXPECT_EQ(score_answer("the Paris", {"Paris"}, Language::kChinese).exact_match, 0);
  // Chinese rules see characters; English rules see the whole run as one word.
  EXPECT_GT(score_answer("位于北京市", {"北京"}, Language::kChinese).f1, 0.5);
  EXPECT_EQ(score_answer("位于北京市", {"北京"}, Language::kEnglish).f1, 0);
}

}  // namespace
}  // namespace ls::rag
