// Answer exact-match and F1 of a generated answer against the gold answers of a question, the
// way the reading-comprehension benchmarks score them, so figures are comparable with theirs.
//
// English (SQuAD v1.1 official evaluation, evaluate-v1.1.py): lowercase, drop ASCII punctuation,
// drop the articles a/an/the, split on whitespace. EM: the token lists are equal. F1: bag-of-tokens
// overlap (multiset intersection), precision over the prediction, recall over the gold answer.
// Where a normalised side is empty we follow SQuAD v2.0's rule (evaluate-v2.0.py): the score is 1
// when both are empty, else 0 (v1.1 would divide by zero or give 0 for two empty answers).
//
// Chinese (CMRC 2018 official evaluation, cmrc2018_evaluate.py): lowercase, drop punctuation and
// whitespace, segment into one token per Han character and one per run of other letters/digits
// (CMRC uses nltk's word_tokenize for those runs; splitting at punctuation and spaces is the same
// for the alphanumerics that occur in answers). F1 uses the longest common *contiguous* token run
// (CMRC's find_lcs), not a bag overlap; EM compares the texts with punctuation and whitespace
// removed. Our punctuation set is Unicode's (all P* categories plus the ASCII and full-width
// symbols CMRC lists, e.g. + = ~ ～), a superset of CMRC's fixed list of 33 characters.
//
// Both: the score of a question is the maximum over its gold answers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rag/conversation.h"

namespace ls::rag {

struct AnswerScore {
  double exact_match = 0;  // 0 or 1
  double f1 = 0;           // [0, 1]
};

// The normalised tokens each metric compares (exposed for tests and for debugging a score).
std::vector<std::string> squad_tokens(std::string_view text);
std::vector<std::string> cmrc_tokens(std::string_view text);

AnswerScore score_english(std::string_view prediction, const std::vector<std::string>& golds);
AnswerScore score_chinese(std::string_view prediction, const std::vector<std::string>& golds);
// Chinese rules when the question is Chinese (detect_language), else English.
AnswerScore score_answer(std::string_view prediction, const std::vector<std::string>& golds, Language language);

}  // namespace ls::rag
