#include "tokenizer/byte_unicode.h"

#include <array>

#include "util/utf8.h"

namespace ls::tok {
namespace {

struct Tables {
  std::array<char32_t, 256> to_cp{};
  std::array<int16_t, 512> to_byte{};  // every mapped code point is below 512
  Tables() {
    to_byte.fill(-1);
    // Printable Latin-1 bytes keep their own code point; the rest are moved to 256, 257, ...
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      to_cp[static_cast<size_t>(b)] = printable ? static_cast<char32_t>(b) : next++;
      to_byte[to_cp[static_cast<size_t>(b)]] = static_cast<int16_t>(b);
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

char32_t byte_to_unicode(uint8_t b) { return tables().to_cp[b]; }

int unicode_to_byte(char32_t cp) { return cp < 512 ? tables().to_byte[cp] : -1; }

std::optional<std::string> decode_byte_level(std::string_view mapped) {
  std::string out;
  out.reserve(mapped.size());
  for (size_t i = 0; i < mapped.size();) {
    const size_t before = i;
    const char32_t cp = utf8::decode_one(mapped, i);
    const int b = unicode_to_byte(cp);
    if (b < 0 || (cp == utf8::kReplacement && i - before != 3)) return std::nullopt;
    out.push_back(static_cast<char>(b));
  }
  return out;
}

std::string encode_byte_level(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char c : raw) utf8::append(out, byte_to_unicode(c));
  return out;
}

}  // namespace ls::tok
