// Helpers every test uses: where ../shared is, how to find an asset, how to run the binary.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace ls::test {

inline std::string shared_dir() {
  const char* e = std::getenv("LOCALSEEK_SHARED");
  return e != nullptr && *e != '\0' ? e : LOCALSEEK_SHARED_DIR_DEFAULT;
}

inline std::string binary() {
  const char* e = std::getenv("LOCALSEEK_BINARY");
  return e != nullptr && *e != '\0' ? e : LOCALSEEK_BINARY_DEFAULT;
}

inline std::string source_dir() { return LOCALSEEK_SOURCE_DIR; }

// CI sets LOCALSEEK_REQUIRE_SHARED=1: a missing asset is then a failure, never a skip.
inline bool require_shared() {
  const char* e = std::getenv("LOCALSEEK_REQUIRE_SHARED");
  return e != nullptr && std::string(e) == "1";
}

inline std::string shared_path(const std::string& rel) { return shared_dir() + "/" + rel; }

}  // namespace ls::test

// Skips loudly (or fails under LOCALSEEK_REQUIRE_SHARED=1) when a shared asset is truly absent.
#define LS_REQUIRE_ASSET(rel)                                                                  \
  do {                                                                                         \
    const std::string ls_asset_ = ::ls::test::shared_path(rel);                                \
    if (!std::filesystem::exists(ls_asset_)) {                                                 \
      if (::ls::test::require_shared()) FAIL() << "required shared asset missing: " << ls_asset_; \
      GTEST_SKIP() << "SKIPPED: shared asset missing: " << ls_asset_;                          \
    }                                                                                          \
  } while (0)
