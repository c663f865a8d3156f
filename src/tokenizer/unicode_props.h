// Character classes the tokenizers need outside the regex engine, with llama.cpp's definitions
// (general categories from ICU; whitespace is the explicit White_Space list llama.cpp uses).
#pragma once

namespace ls::tok {

bool is_whitespace(char32_t c);
bool is_control(char32_t c);      // Cc, Cf, Co, Cs (not unassigned)
bool is_punctuation(char32_t c);  // P*
bool is_symbol(char32_t c);       // S*

}  // namespace ls::tok
