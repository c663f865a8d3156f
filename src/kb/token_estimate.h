// Fast approximate token count, used to size chunks without loading a model tokenizer.
//
// Approximation (calibrated by eye against BPE tokenizers of the DeepSeek/Qwen family, which give
// roughly 1.3 tokens per English word and 0.6-1 token per Chinese character):
//  - a run of ASCII letters/digits of length L counts 1 + (L-1)/6 tokens ("the" 1, "information" 2);
//  - each ASCII punctuation or symbol character counts 1; whitespace counts 0;
//  - each CJK character (Han, kana, Hangul) counts 1 (slightly pessimistic, so chunks never exceed
//    the budget of a real tokenizer by much);
//  - a run of other non-ASCII letters (Cyrillic, Greek, accented Latin…) counts 1 per 3 characters.
#pragma once

#include <string_view>

namespace ls::kb {

int estimate_tokens(std::string_view text);

}  // namespace ls::kb
