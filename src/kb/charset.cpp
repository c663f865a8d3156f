#include "kb/charset.h"

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

#include <memory>
#include <vector>

#include "util/utf8.h"

namespace ls::kb {

Result<std::string> convert_to_utf8(std::string_view bytes, const std::string& charset) {
  UErrorCode st = U_ZERO_ERROR;
  UConverter* cnv = ucnv_open(charset.c_str(), &st);
  if (U_FAILURE(st)) return Error::unsupported("unknown charset '" + charset + "'");
  std::unique_ptr<UConverter, void (*)(UConverter*)> guard(cnv, ucnv_close);
  std::vector<UChar> u16(bytes.size() * 2 + 16);
  int32_t n = ucnv_toUChars(cnv, u16.data(), static_cast<int32_t>(u16.size()), bytes.data(),
                            static_cast<int32_t>(bytes.size()), &st);
  if (U_FAILURE(st)) return Error::invalid("cannot decode text as " + charset + ": " + u_errorName(st));
  std::string out;
  out.reserve(static_cast<size_t>(n) * 3);
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U16_NEXT(u16.data(), i, n, c);
    utf8::append(out, static_cast<char32_t>(c));
  }
  return out;
}

Result<DecodedText> decode_to_utf8(std::string_view bytes) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  if (utf8::is_valid(bytes)) return DecodedText{std::string(bytes), "UTF-8"};
  if (bytes.size() >= 2 && (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF")) {
    std::string cs = bytes[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE";
    LS_ASSIGN_OR_RETURN(std::string t, convert_to_utf8(bytes.substr(2), cs));
    return DecodedText{std::move(t), cs};
  }
  UErrorCode st = U_ZERO_ERROR;
  UCharsetDetector* det = ucsdet_open(&st);
  if (U_FAILURE(st)) return Error::internal("ICU charset detector unavailable");
  std::unique_ptr<UCharsetDetector, void (*)(UCharsetDetector*)> guard(det, ucsdet_close);
  // The detector looks at a prefix; 64 kB is plenty and bounds the work.
  int32_t len = static_cast<int32_t>(std::min<size_t>(bytes.size(), 64 * 1024));
  ucsdet_setText(det, bytes.data(), len, &st);
  int32_t count = 0;
  const UCharsetMatch** matches = ucsdet_detectAll(det, &count, &st);
  std::string best;
  if (U_SUCCESS(st) && count > 0) {
    best = ucsdet_getName(matches[0], &st);
    bool western = best.rfind("ISO-8859", 0) == 0 || best.rfind("windows-125", 0) == 0;
    for (int32_t i = 0; western && i < count; ++i) {
      UErrorCode s2 = U_ZERO_ERROR;
      std::string name = ucsdet_getName(matches[i], &s2);
      if (name == "GB18030" && ucsdet_getConfidence(matches[i], &s2) >= 10) best = name;
    }
  }
  if (best.empty() || best == "UTF-8") best = "GB18030";  // invalid UTF-8 with no better guess
  LS_ASSIGN_OR_RETURN(std::string t, convert_to_utf8(bytes, best));
  return DecodedText{std::move(t), best};
}

}  // namespace ls::kb
