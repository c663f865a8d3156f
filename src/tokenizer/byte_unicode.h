// GPT-2's reversible byte ↔ Unicode mapping: byte-level BPE vocabularies spell every byte as a
// printable character (space → 'Ġ', newline → 'Ċ', ...), so token texts in the GGUF are in this
// alphabet while the tokenizer works on raw bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ls::tok {

char32_t byte_to_unicode(uint8_t b);
// -1 when the code point is not one of the 256 mapped characters.
int unicode_to_byte(char32_t cp);

// Mapped text → raw bytes; nullopt if some character is outside the mapped alphabet.
std::optional<std::string> decode_byte_level(std::string_view mapped);
// Raw bytes → mapped text.
std::string encode_byte_level(std::string_view raw);

}  // namespace ls::tok
