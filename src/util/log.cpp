#include "util/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>

namespace ls::log {

static Level initial_level() {
  const char* e = std::getenv("LOCALSEEK_LOG");
  if (e == nullptr) return Level::kWarn;
  if (std::strcmp(e, "error") == 0) return Level::kError;
  if (std::strcmp(e, "info") == 0) return Level::kInfo;
  if (std::strcmp(e, "debug") == 0) return Level::kDebug;
  return Level::kWarn;
}

static std::atomic<int> g_level{static_cast<int>(initial_level())};

Level level() { return static_cast<Level>(g_level.load(std::memory_order_relaxed)); }
void set_level(Level l) { g_level.store(static_cast<int>(l), std::memory_order_relaxed); }

void write(Level l, std::string_view msg) {
  if (static_cast<int>(l) > g_level.load(std::memory_order_relaxed)) return;
  static std::mutex mu;
  static const char* names[] = {"error", "warn", "info", "debug"};
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char ts[32];
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::lock_guard<std::mutex> lock(mu);
  std::fprintf(stderr, "%s %s: %.*s\n", ts, names[static_cast<int>(l)], static_cast<int>(msg.size()),
               msg.data());
}

}  // namespace ls::log
