// Minimal leveled logging to stderr. The level comes from LOCALSEEK_LOG (error|warn|info|debug).
#pragma once

#include <string_view>

namespace ls::log {

enum class Level { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

Level level();
void set_level(Level l);
void write(Level l, std::string_view msg);

inline void error(std::string_view m) { write(Level::kError, m); }
inline void warn(std::string_view m) { write(Level::kWarn, m); }
inline void info(std::string_view m) { write(Level::kInfo, m); }
inline void debug(std::string_view m) { write(Level::kDebug, m); }

}  // namespace ls::log
