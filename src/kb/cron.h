// Standard 5-field cron schedules: "minute hour day-of-month month day-of-week".
// Each field: '*', a value, a range "a-b", a list "a,b,c", steps "*/n", "a-b/n", "a/n";
// month names jan-dec and weekday names sun-sat (case-insensitive); day-of-week 0 and 7 are Sunday.
// When both day-of-month and day-of-week are restricted, a day matches if EITHER matches (Vixie
// cron). Aliases: @yearly/@annually, @monthly, @weekly, @daily/@midnight, @hourly.
#pragma once

#include <bitset>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"

namespace ls::kb {

class CronSchedule {
 public:
  static Result<CronSchedule> parse(std::string_view expr);

  // The first fire time strictly after `after` (seconds resolution, fires on whole minutes), in
  // UTC or in the process's local time zone. nullopt when the schedule never fires (e.g. Feb 30)
  // within the next 8 years.
  std::optional<std::time_t> next_after(std::time_t after, bool utc = false) const;
  bool matches(const std::tm& t) const;
  const std::string& expression() const { return expr_; }

 private:
  std::bitset<60> minute_;
  std::bitset<24> hour_;
  std::bitset<32> dom_;  // 1..31
  std::bitset<13> month_;  // 1..12
  std::bitset<7> dow_;   // 0..6, Sunday = 0
  bool dom_any_ = true, dow_any_ = true;
  std::string expr_;
};

}  // namespace ls::kb
