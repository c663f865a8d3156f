#include "kb/token_estimate.h"

#include "util/utf8.h"

namespace ls::kb {
namespace {
bool ascii_alnum(unsigned char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }
bool wide_char(char32_t c) {
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x2FFFF);
}
}  // namespace

int estimate_tokens(std::string_view s) {
  int tokens = 0;
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (ascii_alnum(c)) {
      size_t j = i;
      while (j < s.size() && ascii_alnum(static_cast<unsigned char>(s[j]))) ++j;
      tokens += 1 + static_cast<int>((j - i - 1) / 6);
      i = j;
    } else if (c < 128) {
      if (c > ' ') ++tokens;
      ++i;
    } else {
      char32_t cp = utf8::decode_one(s, i);
      if (wide_char(cp)) {
        ++tokens;
        continue;
      }
      int run = 1;
      while (i < s.size() && static_cast<unsigned char>(s[i]) >= 128) {
        size_t k = i;
        char32_t n = utf8::decode_one(s, k);
        if (wide_char(n)) break;
        i = k;
        ++run;
      }
      tokens += (run + 2) / 3;
    }
  }
  return tokens;
}

}  // namespace ls::kb
