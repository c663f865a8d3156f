// Argument binding and the Python string operations shared by filters and methods.
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>

#include "chat/builtins.h"
#include "util/utf8.h"

namespace ls::chat {

Value ArgReader::get(size_t index, const char* name, Value fallback) {
  max_index_ = std::max(max_index_, index + 1);
  names_.emplace_back(name);
  Value* found = nullptr;
  if (index < args_.positional.size()) found = &args_.positional[index];
  for (auto& [k, v] : args_.named) {
    if (k != name) continue;
    if (found != nullptr) fail_runtime(pos_, fn_ + "() got multiple values for argument '" + k + "'");
    found = &v;
  }
  return found != nullptr ? *found : fallback;
}

Value ArgReader::require(size_t index, const char* name) {
  const bool present_pos = index < args_.positional.size();
  bool present_kw = false;
  for (auto& [k, v] : args_.named) present_kw = present_kw || k == name;
  if (!present_pos && !present_kw) fail_runtime(pos_, fn_ + "() missing required argument '" + name + "'");
  return get(index, name);
}

void ArgReader::done() {
  if (args_.positional.size() > max_index_)
    fail_runtime(pos_, fn_ + "() takes at most " + std::to_string(max_index_) + " argument(s), " +
                           std::to_string(args_.positional.size()) + " given");
  for (auto& [k, v] : args_.named)
    if (std::find(names_.begin(), names_.end(), k) == names_.end())
      fail_runtime(pos_, fn_ + "() got an unexpected keyword argument '" + k + "'");
}

[[noreturn]] void fail_type(const SourcePos& pos, const std::string& fn, const std::string& what, const Value& got) {
  if (got.is_undefined() && !got.undefined_hint().empty()) fail_runtime(pos, fn + ": " + got.undefined_hint());
  fail_runtime(pos, fn + ": expected " + what + ", got '" + got.type_name() + "'");
}

std::u32string to_u32(const std::string& s) {
  const std::vector<char32_t> cps = utf8::decode(s);
  return std::u32string(cps.begin(), cps.end());
}

std::string from_u32(const std::u32string& s) { return utf8::encode(s); }

int64_t py_len(const Value& v, const SourcePos& pos) {
  switch (v.kind()) {
    case Value::Kind::kString: return static_cast<int64_t>(to_u32(v.str()).size());
    case Value::Kind::kList:
    case Value::Kind::kTuple: return static_cast<int64_t>(v.items().size());
    case Value::Kind::kDict: return static_cast<int64_t>(v.dict_ref().size());
    case Value::Kind::kUndefined: return 0;  // Jinja2's Undefined has length 0
    default: fail_runtime(pos, "object of type '" + v.type_name() + "' has no len()");
  }
}

namespace {

bool is_py_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1f) ||
         c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
         c == 0x202f || c == 0x205f || c == 0x3000;
}

}  // namespace

std::string py_strip(const std::string& s, const Value& chars, bool left, bool right) {
  const std::u32string u = to_u32(s);
  const bool whitespace = chars.is_none() || chars.is_undefined();
  const std::u32string set = whitespace ? std::u32string() : to_u32(chars.str());
  auto strip_it = [&](char32_t c) { return whitespace ? is_py_space(c) : set.find(c) != std::u32string::npos; };
  size_t b = 0, e = u.size();
  if (left)
    while (b < e && strip_it(u[b])) ++b;
  if (right)
    while (e > b && strip_it(u[e - 1])) --e;
  return from_u32(u.substr(b, e - b));
}

Value py_split(const std::string& s, const Value& sep, int64_t maxsplit, bool from_right, const SourcePos& pos) {
  ValueList parts;
  if (sep.is_none() || sep.is_undefined()) {
    // Runs of whitespace separate; leading/trailing whitespace yields no empty parts.
    const std::u32string u = to_u32(s);
    std::vector<std::pair<size_t, size_t>> words;
    size_t i = 0;
    while (i < u.size()) {
      while (i < u.size() && is_py_space(u[i])) ++i;
      if (i >= u.size()) break;
      size_t j = i;
      while (j < u.size() && !is_py_space(u[j])) ++j;
      words.emplace_back(i, j);
      i = j;
    }
    if (maxsplit < 0 || static_cast<size_t>(maxsplit) + 1 >= words.size()) {
      for (auto [b, e] : words) parts.emplace_back(from_u32(u.substr(b, e - b)));
      return Value::list(std::move(parts));
    }
    const size_t keep = static_cast<size_t>(maxsplit);
    if (!from_right) {
      for (size_t k = 0; k < keep; ++k) parts.emplace_back(from_u32(u.substr(words[k].first, words[k].second - words[k].first)));
      // The remainder keeps its inner and trailing whitespace, as Python's split does.
      std::u32string rest = u.substr(words[keep].first);
      parts.emplace_back(from_u32(rest));
    } else {
      const size_t first_kept = words.size() - keep;
      std::u32string rest = u.substr(0, words[first_kept - 1].second);
      parts.emplace_back(from_u32(rest));
      for (size_t k = first_kept; k < words.size(); ++k)
        parts.emplace_back(from_u32(u.substr(words[k].first, words[k].second - words[k].first)));
    }
    return Value::list(std::move(parts));
  }
  if (!sep.is_string()) fail_type(pos, "split", "a string separator", sep);
  const std::string& d = sep.str();
  if (d.empty()) fail_runtime(pos, "split: empty separator");
  if (!from_right) {
    size_t start = 0;
    int64_t n = 0;
    while (maxsplit < 0 || n < maxsplit) {
      const size_t at = s.find(d, start);
      if (at == std::string::npos) break;
      parts.emplace_back(s.substr(start, at - start));
      start = at + d.size();
      ++n;
    }
    parts.emplace_back(s.substr(start));
    return Value::list(std::move(parts));
  }
  size_t end = s.size();
  int64_t n = 0;
  ValueList rev;
  while (maxsplit < 0 || n < maxsplit) {
    if (end < d.size()) break;
    const size_t at = s.rfind(d, end - d.size());
    if (at == std::string::npos) break;
    rev.emplace_back(s.substr(at + d.size(), end - at - d.size()));
    end = at;
    ++n;
  }
  rev.emplace_back(s.substr(0, end));
  std::reverse(rev.begin(), rev.end());
  return Value::list(std::move(rev));
}

std::string py_replace(const std::string& s, const std::string& from, const std::string& to, int64_t count,
                       size_t max_bytes, const SourcePos& pos) {
  std::string out;
  auto check = [&] {
    if (out.size() > max_bytes) fail_limit(pos, "replace() result would exceed " + std::to_string(max_bytes) + " bytes");
  };
  if (from.empty()) {
    // Python inserts `to` around every character when `from` is empty.
    const std::u32string u = to_u32(s);
    int64_t n = 0;
    for (char32_t c : u) {
      if (count < 0 || n < count) {
        out += to;
        ++n;
      }
      out += from_u32(std::u32string(1, c));
      check();
    }
    if (count < 0 || n < count) out += to;
    return out;
  }
  size_t start = 0;
  int64_t n = 0;
  while (count < 0 || n < count) {
    const size_t at = s.find(from, start);
    if (at == std::string::npos) break;
    out.append(s, start, at - start);
    out += to;
    check();
    start = at + from.size();
    ++n;
  }
  out.append(s, start, std::string::npos);
  return out;
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

bool is_ascii(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Full Unicode case mapping (ß → SS, é → É), as Python's str.upper()/lower() do.
std::string icu_case(const std::string& s, bool upper) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  if (upper) u.toUpper(icu::Locale::getRoot());
  else u.toLower(icu::Locale::getRoot());
  std::string out;
  u.toUTF8String(out);
  return out;
}

}  // namespace

std::string to_upper(std::string s) {
  if (!is_ascii(s)) return icu_case(s, true);
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

std::string to_lower(std::string s) {
  if (!is_ascii(s)) return icu_case(s, false);
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

}  // namespace ls::chat
