// The spelled names of the knowledge base's small enums (search mode, fusion, vector encoding,
// CJK tokenisation, document format) as one table each, read both ways: name → value for flags,
// JSON and config, value → name for output. One table means the two directions cannot drift and
// the "unknown …" message always lists what is accepted.
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace ls::kb {

template <class E>
struct EnumName {
  E value;
  const char* name;  // the first entry of a value is its canonical name; later ones are aliases
};

// The canonical name of `value` (the table's first name when the value is missing from it).
template <class E, size_t N>
const char* name_of(const EnumName<E> (&names)[N], E value) {
  for (const auto& n : names)
    if (n.value == value) return n.name;
  return names[0].name;
}

// The value called `text`, or "unknown <what> '<text>' (<canonical names>)".
template <class E, size_t N>
Result<E> parse_name(const EnumName<E> (&names)[N], std::string_view text, std::string_view what) {
  for (const auto& n : names)
    if (text == n.name) return n.value;
  std::string known;
  for (const auto& n : names) {
    if (name_of(names, n.value) != n.name) continue;  // an alias
    known += known.empty() ? "" : ", ";
    known += n.name;
  }
  return Error::invalid("unknown " + std::string(what) + " '" + std::string(text) + "' (" + known + ")");
}

}  // namespace ls::kb
