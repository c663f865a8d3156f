#include "tokenizer/unicode_props.h"

#include <unicode/uchar.h>

namespace ls::tok {

bool is_whitespace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

static uint32_t gc_mask(char32_t c) { return U_GET_GC_MASK(static_cast<UChar32>(c)); }

bool is_control(char32_t c) {
  return (gc_mask(c) & (U_GC_CC_MASK | U_GC_CF_MASK | U_GC_CO_MASK | U_GC_CS_MASK)) != 0;
}
bool is_punctuation(char32_t c) { return (gc_mask(c) & U_GC_P_MASK) != 0; }
bool is_symbol(char32_t c) { return (gc_mask(c) & U_GC_S_MASK) != 0; }

}  // namespace ls::tok
