#include "util/utf8.h"

namespace ls::utf8 {

size_t sequence_length(uint8_t c) {
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return 2;
  if (c >= 0xE0 && c <= 0xEF) return 3;
  if (c >= 0xF0 && c <= 0xF4) return 4;
  return 0;
}

// Valid range of the second byte given the lead byte (Unicode Table 3-7).
static bool second_ok(uint8_t lead, uint8_t b) {
  if (lead == 0xE0) return b >= 0xA0 && b <= 0xBF;
  if (lead == 0xED) return b >= 0x80 && b <= 0x9F;
  if (lead == 0xF0) return b >= 0x90 && b <= 0xBF;
  if (lead == 0xF4) return b >= 0x80 && b <= 0x8F;
  return b >= 0x80 && b <= 0xBF;
}

char32_t decode_one(std::string_view s, size_t& i) {
  const uint8_t c = static_cast<uint8_t>(s[i]);
  const size_t len = sequence_length(c);
  if (len == 1) {
    ++i;
    return c;
  }
  if (len == 0) {
    ++i;
    return kReplacement;
  }
  char32_t cp = c & (0xFF >> (len + 1));
  size_t j = 1;
  for (; j < len; ++j) {
    if (i + j >= s.size()) break;
    const uint8_t b = static_cast<uint8_t>(s[i + j]);
    const bool ok = (j == 1) ? second_ok(c, b) : (b >= 0x80 && b <= 0xBF);
    if (!ok) break;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (j < len) {
    i += j;  // maximal subpart: lead plus the valid continuation bytes seen
    return kReplacement;
  }
  i += len;
  return cp;
}

std::vector<char32_t> decode(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) out.push_back(decode_one(s, i));
  return out;
}

void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = kReplacement;
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp <= 0x10FFFF) {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    append(out, kReplacement);
  }
}

std::string encode(const std::u32string& cps) {
  std::string out;
  out.reserve(cps.size());
  for (char32_t c : cps) append(out, c);
  return out;
}

std::string encode(char32_t cp) {
  std::string out;
  append(out, cp);
  return out;
}

bool is_valid(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t before = i;
    const char32_t cp = decode_one(s, i);
    if (cp == kReplacement) {
      // A literal U+FFFD in the input is valid; distinguish by length consumed.
      if (i - before != 3 || static_cast<uint8_t>(s[before]) != 0xEF) return false;
    }
  }
  return true;
}

std::string sanitize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t before = i;
    const char32_t cp = decode_one(s, i);
    if (cp == kReplacement) {
      append(out, kReplacement);
    } else {
      out.append(s.substr(before, i - before));
    }
  }
  return out;
}

size_t incomplete_suffix_length(std::string_view s) {
  // Look back at most 3 bytes for a lead byte whose sequence is not yet complete.
  const size_t n = s.size();
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    const uint8_t c = static_cast<uint8_t>(s[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte: keep looking for the lead
    const size_t len = sequence_length(c);
    if (len > back) {
      // Check that what we have so far is a valid prefix.
      size_t i = n - back;
      for (size_t j = 1; j < back; ++j) {
        const uint8_t b = static_cast<uint8_t>(s[i + j]);
        const bool ok = (j == 1) ? second_ok(c, b) : (b >= 0x80 && b <= 0xBF);
        if (!ok) return 0;
      }
      return back;
    }
    return 0;
  }
  return 0;
}

}  // namespace ls::utf8
