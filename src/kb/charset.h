// Text decoding: bytes of unknown encoding → UTF-8. Valid UTF-8 (with or without BOM) is kept;
// UTF-16 with a BOM is converted; anything else goes through ICU's charset detector (ucsdet) and
// converter (ucnv). GB18030 (a superset of GBK/GB2312) is preferred when the detector offers it
// among its candidates and the top guess is a single-byte Western code page, which is how short
// Chinese files are commonly misjudged.
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace ls::kb {

struct DecodedText {
  std::string text;      // UTF-8
  std::string charset;   // what it was decoded from, e.g. "UTF-8", "GB18030"
};

Result<DecodedText> decode_to_utf8(std::string_view bytes);

// Converts from a named charset (ICU converter names/aliases); invalid input is substituted.
Result<std::string> convert_to_utf8(std::string_view bytes, const std::string& charset);

}  // namespace ls::kb
