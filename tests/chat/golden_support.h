// Shared by the chat tests: load a shared template / golden case and a fixed clock.
#pragma once

#include <ctime>
#include <string>

#include "test_support.h"
#include "util/strings.h"

namespace ls::test {

// strftime_now() in the golden renderings: 2024-07-26 12:00:00.
inline std::tm golden_clock() {
  std::tm tm{};
  tm.tm_year = 2024 - 1900;
  tm.tm_mon = 6;
  tm.tm_mday = 26;
  tm.tm_hour = 12;
  tm.tm_wday = 5;   // a Friday
  tm.tm_yday = 207;
  return tm;
}

}  // namespace ls::test
