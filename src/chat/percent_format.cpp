// Python's printf-style string formatting ("%s: %5.2f" % args), used by the `%` operator on
// strings and by Jinja2's |format filter: flags - + space 0 #, width, precision, %(key)s, and the
// conversions s r a d i u f F e E g G x X o c %.
#include <cctype>
#include <cmath>
#include <cstdio>

#include "chat/builtins.h"

namespace ls::chat {
namespace {

std::string pad(const std::string& body, int64_t width, bool left, char fill = ' ') {
  const int64_t len = static_cast<int64_t>(to_u32(body).size());
  if (width <= len) return body;
  const std::string padding(static_cast<size_t>(width - len), fill);
  return left ? body + padding : padding + body;
}

}  // namespace

std::string percent_format(const std::string& fmt, const Value& args, const SourcePos& pos) {
  std::string out;
  ValueList positional;
  const Value* mapping = nullptr;
  if (args.is_tuple()) positional = args.items();
  else if (args.is_dict()) mapping = &args;
  else positional = {args};
  size_t next = 0;
  bool used_mapping = false;
  auto next_arg = [&]() -> Value {
    if (next >= positional.size()) fail_runtime(pos, "not enough arguments for format string");
    return positional[next++];
  };
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    if (++i >= fmt.size()) fail_runtime(pos, "incomplete format: '%' at the end of the format string");
    Value arg;
    bool have_arg = false;
    if (fmt[i] == '(') {
      const size_t close = fmt.find(')', i);
      if (close == std::string::npos) fail_runtime(pos, "incomplete format key: '%(' without ')'");
      if (mapping == nullptr) fail_runtime(pos, "format requires a mapping for '%(" + fmt.substr(i + 1, close - i - 1) + ")'");
      const Value* v = mapping->dict_ref().find(Value(fmt.substr(i + 1, close - i - 1)));
      if (v == nullptr) fail_runtime(pos, "KeyError: '" + fmt.substr(i + 1, close - i - 1) + "'");
      arg = *v;
      have_arg = true;
      used_mapping = true;
      i = close + 1;
    }
    bool left = false, plus = false, space = false, zero = false, alt = false;
    for (; i < fmt.size(); ++i) {
      const char f = fmt[i];
      if (f == '-') left = true;
      else if (f == '+') plus = true;
      else if (f == ' ') space = true;
      else if (f == '0') zero = true;
      else if (f == '#') alt = true;
      else break;
    }
    int64_t width = 0, precision = -1;
    while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i])) && width < 100000)
      width = width * 10 + (fmt[i++] - '0');
    if (i < fmt.size() && fmt[i] == '.') {
      precision = 0;
      ++i;
      while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i])) && precision < 1000)
        precision = precision * 10 + (fmt[i++] - '0');
    }
    if (width >= 100000) fail_runtime(pos, "format width too large");
    if (i >= fmt.size()) fail_runtime(pos, "incomplete format");
    const char conv = fmt[i];
    if (conv == '%') {
      out += '%';
      continue;
    }
    if (!have_arg) arg = next_arg();
    std::string body;
    switch (conv) {
      case 's':
      case 'r':
      case 'a': {
        body = conv == 's' ? to_display_string(arg) : to_repr(arg);
        if (precision >= 0) {
          const std::u32string u = to_u32(body);
          if (static_cast<int64_t>(u.size()) > precision) body = from_u32(u.substr(0, static_cast<size_t>(precision)));
        }
        out += pad(body, width, left);
        continue;
      }
      case 'c': {
        if (arg.is_string() && to_u32(arg.str()).size() == 1) body = arg.str();
        else if (arg.is_int() && arg.as_int() >= 0 && arg.as_int() <= 0x10FFFF)
          body = from_u32(std::u32string(1, static_cast<char32_t>(arg.as_int())));
        else fail_runtime(pos, "%c requires an int or a single character");
        out += pad(body, width, left);
        continue;
      }
      case 'd':
      case 'i':
      case 'u':
      case 'x':
      case 'X':
      case 'o':
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G': break;
      default: fail_runtime(pos, std::string("unsupported format character '") + conv + "'");
    }
    if (!arg.is_number()) fail_runtime(pos, std::string("%") + conv + " format: a real number is required, not " + arg.type_name());
    std::string spec = "%";
    if (plus) spec += '+';
    else if (space) spec += ' ';
    if (alt) spec += '#';
    char buf[512];
    const bool integral = conv == 'd' || conv == 'i' || conv == 'u' || conv == 'x' || conv == 'X' || conv == 'o';
    if (integral) {
      int64_t n;
      if (arg.is_float()) {
        const double d = arg.as_double();
        if (!std::isfinite(d) || std::fabs(d) > 9.2e18) fail_runtime(pos, "cannot convert float to integer");
        n = static_cast<int64_t>(d);
      } else {
        n = arg.as_int();
      }
      if (precision >= 0) spec += "." + std::to_string(std::min<int64_t>(precision, 400));
      const char c = conv == 'i' || conv == 'u' ? 'd' : conv;
      spec += "ll";
      spec += c;
      std::snprintf(buf, sizeof buf, spec.c_str(), static_cast<long long>(n));
    } else {
      spec += "." + std::to_string(precision < 0 ? 6 : std::min<int64_t>(precision, 400));
      spec += conv;
      std::snprintf(buf, sizeof buf, spec.c_str(), arg.as_double());
    }
    body = buf;
    if (zero && !left && static_cast<int64_t>(body.size()) < width) {
      // Zero padding goes after the sign (and 0x prefix).
      size_t sign = (body[0] == '-' || body[0] == '+' || body[0] == ' ') ? 1 : 0;
      if (alt && body.size() > sign + 1 && body[sign] == '0' && (body[sign + 1] == 'x' || body[sign + 1] == 'X')) sign += 2;
      body.insert(sign, std::string(static_cast<size_t>(width) - body.size(), '0'));
    }
    out += pad(body, width, left);
  }
  if (!used_mapping && mapping == nullptr && next < positional.size())
    fail_runtime(pos, "not all arguments converted during string formatting");
  return out;
}

}  // namespace ls::chat
