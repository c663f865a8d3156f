// Value: numeric conversions and the compact display form used by `inspect` and error messages.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "gguf/gguf_file.h"

namespace ls::gguf {

std::string_view value_type_name(ValueType t) {
  switch (t) {
    case ValueType::UINT8: return "uint8";
    case ValueType::INT8: return "int8";
    case ValueType::UINT16: return "uint16";
    case ValueType::INT16: return "int16";
    case ValueType::UINT32: return "uint32";
    case ValueType::INT32: return "int32";
    case ValueType::FLOAT32: return "float32";
    case ValueType::BOOL: return "bool";
    case ValueType::STRING: return "string";
    case ValueType::ARRAY: return "array";
    case ValueType::UINT64: return "uint64";
    case ValueType::INT64: return "int64";
    case ValueType::FLOAT64: return "float64";
  }
  return "unknown";
}

bool operator==(const Array& a, const Array& b) {
  return a.element_type == b.element_type && a.items == b.items;
}

namespace {

// The alternatives of Value that are numbers (bool is not: GGUF keeps it a type of its own).
template <class T>
constexpr bool kIsNumber = std::is_arithmetic_v<T> && !std::is_same_v<T, bool>;

}  // namespace

bool Value::is_integer() const {
  return std::visit(
      [](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        return std::is_integral_v<T> && !std::is_same_v<T, bool>;
      },
      v_);
}

bool Value::is_number() const {
  return is_integer() || type() == ValueType::FLOAT32 || type() == ValueType::FLOAT64;
}

std::optional<int64_t> Value::to_int() const {
  return std::visit(
      [](const auto& x) -> std::optional<int64_t> {
        using T = std::decay_t<decltype(x)>;
        if constexpr (!kIsNumber<T>) {
          return std::nullopt;
        } else if constexpr (std::is_floating_point_v<T>) {
          // Only exactly integral floats convert; 2^63 itself does not fit.
          if (!std::isfinite(x) || x != std::trunc(x) || x < -9.2233720368547758e18 || x >= 9.2233720368547758e18)
            return std::nullopt;
          return static_cast<int64_t>(x);
        } else if constexpr (std::is_same_v<T, uint64_t>) {
          if (x > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
          return static_cast<int64_t>(x);
        } else {
          return static_cast<int64_t>(x);
        }
      },
      v_);
}

std::optional<uint64_t> Value::to_uint() const {
  if (type() == ValueType::UINT64) return std::get<uint64_t>(v_);
  auto i = to_int();
  if (!i || *i < 0) return std::nullopt;
  return static_cast<uint64_t>(*i);
}

std::optional<double> Value::to_double() const {
  return std::visit(
      [](const auto& x) -> std::optional<double> {
        using T = std::decay_t<decltype(x)>;
        if constexpr (!kIsNumber<T>) {
          return std::nullopt;
        } else {
          return static_cast<double>(x);
        }
      },
      v_);
}

namespace {

void append_quoted(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

template <class F>
void append_float(std::string& out, F x) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, x);  // shortest form that reads back exactly
  out.append(buf, r.ptr);
}

void append_display(std::string& out, const Value& v, size_t max_items) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) {
          out += x ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::string>) {
          append_quoted(out, x);
        } else if constexpr (std::is_same_v<T, Array>) {
          out += '[';
          const size_t n = x.items.size();
          const size_t shown = n < max_items ? n : max_items;
          for (size_t i = 0; i < shown; ++i) {
            if (i) out += ", ";
            append_display(out, x.items[i], max_items);
          }
          if (shown < n) {
            if (shown) out += ", ";
            out += "\xE2\x80\xA6 (" + std::to_string(n) + " items)";
          }
          out += ']';
        } else if constexpr (std::is_floating_point_v<T>) {
          append_float(out, x);
        } else {
          out += std::to_string(x);
        }
      },
      v.storage());
}

}  // namespace

std::string Value::to_display(size_t max_items) const {
  std::string out;
  append_display(out, *this, max_items);
  return out;
}

}  // namespace ls::gguf
