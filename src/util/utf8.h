// UTF-8 decoding with a deliberate policy for invalid input: each maximal invalid subsequence
// becomes U+FFFD (the Unicode "substitution of maximal subparts" practice), never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ls::utf8 {

constexpr char32_t kReplacement = 0xFFFD;

// Length in bytes of the sequence that starts with lead byte c (1..4), or 0 if c cannot start one.
size_t sequence_length(uint8_t c);

// Decodes one code point at s[i]; advances i. Invalid bytes yield kReplacement and advance by the
// maximal invalid subpart (at least one byte).
char32_t decode_one(std::string_view s, size_t& i);

std::vector<char32_t> decode(std::string_view s);
void append(std::string& out, char32_t cp);
std::string encode(const std::u32string& cps);
std::string encode(char32_t cp);

bool is_valid(std::string_view s);
// Replaces invalid sequences by U+FFFD (EF BF BD).
std::string sanitize(std::string_view s);

// Number of bytes at the end of s that form an incomplete (but so far valid) sequence prefix:
// a streaming decoder holds these back until the next token completes the character.
size_t incomplete_suffix_length(std::string_view s);

}  // namespace ls::utf8
