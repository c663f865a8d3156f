// Small string helpers used across subsystems.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ls {

std::vector<std::string> split(std::string_view s, std::string_view sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string_view trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
std::string to_lower_ascii(std::string_view s);
// Human-readable byte count: 1.12 GB, 379.2 kB.
std::string format_bytes(double bytes);
// Reads a whole file; error names the path.
Result<std::string> read_file(const std::string& path);

}  // namespace ls
