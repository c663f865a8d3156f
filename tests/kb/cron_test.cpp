#include <gtest/gtest.h>

#include <ctime>

#include "kb/cron.h"

namespace ls::kb {
namespace {

std::time_t utc(int y, int mo, int d, int h, int mi) {
  std::tm t{};
  t.tm_year = y - 1900;
  t.tm_mon = mo - 1;
  t.tm_mday = d;
  t.tm_hour = h;
  t.tm_min = mi;
  return timegm(&t);
}

std::time_t next(const char* expr, std::time_t after) {
  auto c = CronSchedule::parse(expr);
  EXPECT_TRUE(c.ok()) << expr << ": " << (c.ok() ? "" : c.error().message);
  if (!c.ok()) return 0;
  auto n = c->next_after(after, true);
  EXPECT_TRUE(n.has_value()) << expr;
  return n.value_or(0);
}

TEST(Cron, DailyAtThree) {
  EXPECT_EQ(next("0 3 * * *", utc(2026, 1, 10, 2, 59)), utc(2026, 1, 10, 3, 0));
  EXPECT_EQ(next("0 3 * * *", utc(2026, 1, 10, 3, 0)), utc(2026, 1, 11, 3, 0));  // strictly after
  EXPECT_EQ(next("0 3 * * *", utc(2026, 12, 31, 4, 0)), utc(2027, 1, 1, 3, 0));
}

TEST(Cron, StepsRangesAndLists) {
  EXPECT_EQ(next("*/15 * * * *", utc(2026, 3, 1, 10, 7)), utc(2026, 3, 1, 10, 15));
  EXPECT_EQ(next("*/15 * * * *", utc(2026, 3, 1, 10, 45)), utc(2026, 3, 1, 11, 0));
  EXPECT_EQ(next("0 9-17/4 * * *", utc(2026, 3, 1, 13, 30)), utc(2026, 3, 1, 17, 0));
  EXPECT_EQ(next("5,10,50 * * * *", utc(2026, 3, 1, 10, 11)), utc(2026, 3, 1, 10, 50));
  EXPECT_EQ(next("30/10 * * * *", utc(2026, 3, 1, 10, 55)), utc(2026, 3, 1, 11, 30));
}

TEST(Cron, NamesAndWeekdays) {
  // 2026-01-10 is a Saturday.
  EXPECT_EQ(next("0 0 * * mon", utc(2026, 1, 10, 12, 0)), utc(2026, 1, 12, 0, 0));
  EXPECT_EQ(next("0 0 * * 7", utc(2026, 1, 10, 12, 0)), utc(2026, 1, 11, 0, 0));  // 7 = Sunday
  EXPECT_EQ(next("0 0 * * MON-FRI", utc(2026, 1, 10, 12, 0)), utc(2026, 1, 12, 0, 0));
  EXPECT_EQ(next("0 12 1 jun *", utc(2026, 1, 10, 12, 0)), utc(2026, 6, 1, 12, 0));
}

TEST(Cron, DayOfMonthOrDayOfWeekWhenBothRestricted) {
  // The 13th or any Friday: from Saturday 10 Jan 2026 the 13th (a Tuesday) comes first, then Friday 16th.
  EXPECT_EQ(next("0 0 13 * fri", utc(2026, 1, 10, 0, 0)), utc(2026, 1, 13, 0, 0));
  EXPECT_EQ(next("0 0 13 * fri", utc(2026, 1, 13, 1, 0)), utc(2026, 1, 16, 0, 0));
}

TEST(Cron, LeapDayAndAliases) {
  EXPECT_EQ(next("0 0 29 2 *", utc(2026, 3, 1, 0, 0)), utc(2028, 2, 29, 0, 0));
  EXPECT_EQ(next("@hourly", utc(2026, 3, 1, 10, 7)), utc(2026, 3, 1, 11, 0));
  EXPECT_EQ(next("@daily", utc(2026, 3, 1, 10, 7)), utc(2026, 3, 2, 0, 0));
  auto never = CronSchedule::parse("0 0 30 2 *");
  ASSERT_TRUE(never.ok());
  EXPECT_FALSE(never->next_after(utc(2026, 1, 1, 0, 0), true).has_value());
}

TEST(Cron, RejectsMalformedExpressions) {
  for (const char* bad : {"", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *",
                          "* * * * 8", "5-1 * * * *", "*/0 * * * *", "a * * * *", "1,,2 * * * *", "* * * foo *"}) {
    auto c = CronSchedule::parse(bad);
    EXPECT_FALSE(c.ok()) << "accepted '" << bad << "'";
    if (!c.ok()) {
      EXPECT_NE(c.error().message.find("cron"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace ls::kb
