#include "kb/cron.h"

#include <array>
#include <vector>

#include "util/strings.h"

namespace ls::kb {
namespace {

constexpr std::array<const char*, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<const char*, 7> kDays = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

struct FieldSpec {
  const char* name;
  int lo, hi;
  const char* const* names;  // index 0 = value `names_base`
  int names_count, names_base;
};

Result<int> parse_value(std::string_view s, const FieldSpec& f) {
  std::string low = to_lower_ascii(s);
  for (int i = 0; i < f.names_count; ++i)
    if (low == f.names[i]) return f.names_base + i;
  if (s.empty() || s.size() > 4) return Error::invalid(std::string(f.name) + ": bad value '" + std::string(s) + "'");
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return Error::invalid(std::string(f.name) + ": bad value '" + std::string(s) + "'");
    v = v * 10 + (c - '0');
  }
  int hi = f.hi == 6 ? 7 : f.hi;  // day-of-week accepts 7 for Sunday
  if (v < f.lo || v > hi)
    return Error::invalid(std::string(f.name) + ": " + std::to_string(v) + " is outside " + std::to_string(f.lo) + "-" +
                          std::to_string(hi));
  return v;
}

// Sets bits for one field; returns whether the field was '*' (unrestricted).
template <size_t N>
Result<bool> parse_field(std::string_view text, const FieldSpec& f, std::bitset<N>& bits) {
  bool any = text == "*";
  for (const auto& part : split(text, ",")) {
    if (part.empty()) return Error::invalid(std::string(f.name) + ": empty list item in '" + std::string(text) + "'");
    std::string_view p = part;
    int step = 1;
    if (auto slash = p.find('/'); slash != std::string_view::npos) {
      std::string_view st = p.substr(slash + 1);
      if (st.empty() || st.size() > 3 || st.find_first_not_of("0123456789") != std::string_view::npos)
        return Error::invalid(std::string(f.name) + ": bad step in '" + part + "'");
      step = std::stoi(std::string(st));
      if (step < 1) return Error::invalid(std::string(f.name) + ": step must be >= 1 in '" + part + "'");
      p = p.substr(0, slash);
    }
    int a = f.lo, b = f.hi;
    if (p != "*") {
      if (auto dash = p.find('-'); dash != std::string_view::npos) {
        LS_ASSIGN_OR_RETURN(a, parse_value(p.substr(0, dash), f));
        LS_ASSIGN_OR_RETURN(b, parse_value(p.substr(dash + 1), f));
        if (b < a) return Error::invalid(std::string(f.name) + ": range '" + part + "' runs backwards");
      } else {
        LS_ASSIGN_OR_RETURN(a, parse_value(p, f));
        b = part.find('/') != std::string::npos ? f.hi : a;  // "a/n" = from a to the end
        if (b < a) b = a;
      }
    }
    for (int v = a; v <= b; v += step) bits.set(static_cast<size_t>(f.hi == 6 && v == 7 ? 0 : v));
  }
  return any;
}

}  // namespace

Result<CronSchedule> CronSchedule::parse(std::string_view expr) {
  std::string e(trim(expr));
  static const std::pair<const char*, const char*> kAliases[] = {
      {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
      {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
      {"@hourly", "0 * * * *"}};
  std::string fields_text = e;
  for (const auto& [alias, full] : kAliases)
    if (to_lower_ascii(e) == alias) fields_text = full;
  std::vector<std::string> f;
  for (const auto& p : split(fields_text, " "))
    if (!p.empty() && p != "\t") f.push_back(p);
  if (f.size() != 5)
    return Error::invalid("cron expression '" + e + "' must have 5 fields (minute hour day-of-month month day-of-week)");
  CronSchedule c;
  c.expr_ = e;
  const FieldSpec minute{"minute", 0, 59, nullptr, 0, 0}, hour{"hour", 0, 23, nullptr, 0, 0},
      dom{"day-of-month", 1, 31, nullptr, 0, 0}, month{"month", 1, 12, kMonths.data(), 12, 1},
      dow{"day-of-week", 0, 6, kDays.data(), 7, 0};
  // Field i into its bits; true when it was "*". Errors name the whole expression.
  auto parse = [&](size_t i, const FieldSpec& spec, auto& bits) -> Result<bool> {
    auto r = parse_field(f[i], spec, bits);
    if (!r.ok()) return r.error().with_context("cron '" + e + "'");
    return *r;
  };
  LS_TRY(parse(0, minute, c.minute_));
  LS_TRY(parse(1, hour, c.hour_));
  LS_ASSIGN_OR_RETURN(c.dom_any_, parse(2, dom, c.dom_));
  LS_TRY(parse(3, month, c.month_));
  LS_ASSIGN_OR_RETURN(c.dow_any_, parse(4, dow, c.dow_));
  return c;
}

bool CronSchedule::matches(const std::tm& t) const {
  if (!minute_[static_cast<size_t>(t.tm_min)] || !hour_[static_cast<size_t>(t.tm_hour)] ||
      !month_[static_cast<size_t>(t.tm_mon + 1)])
    return false;
  bool d = dom_[static_cast<size_t>(t.tm_mday)], w = dow_[static_cast<size_t>(t.tm_wday)];
  if (dom_any_ && dow_any_) return true;
  if (dom_any_) return w;
  if (dow_any_) return d;
  return d || w;
}

std::optional<std::time_t> CronSchedule::next_after(std::time_t after, bool utc) const {
  auto to_tm = [utc](std::time_t t) {
    std::tm out{};
    if (utc) gmtime_r(&t, &out);
    else localtime_r(&t, &out);
    return out;
  };
  std::time_t prev = after;
  // Normalises t; never goes backwards (a DST fall-back could otherwise revisit an hour forever).
  auto from_tm = [utc, &prev](std::tm t) {
    t.tm_isdst = -1;
    std::time_t r = utc ? timegm(&t) : mktime(&t);
    if (r <= prev) r = prev + 60 - (prev % 60);
    prev = r;
    return r;
  };
  std::tm t = to_tm(after);
  t.tm_sec = 0;
  t.tm_min += 1;  // strictly after, on a whole minute
  std::time_t cur = from_tm(t);
  const std::time_t limit = after + 8LL * 366 * 24 * 3600;
  while (cur <= limit) {
    t = to_tm(cur);
    if (!month_[static_cast<size_t>(t.tm_mon + 1)]) {  // jump to the 1st of next month
      t.tm_mon += 1;
      t.tm_mday = 1;
      t.tm_hour = 0;
      t.tm_min = 0;
      cur = from_tm(t);
      continue;
    }
    bool d = dom_[static_cast<size_t>(t.tm_mday)], w = dow_[static_cast<size_t>(t.tm_wday)];
    bool day_ok = (dom_any_ && dow_any_) || (dom_any_ ? w : (dow_any_ ? d : (d || w)));
    if (!day_ok) {
      t.tm_mday += 1;
      t.tm_hour = 0;
      t.tm_min = 0;
      cur = from_tm(t);
      continue;
    }
    if (!hour_[static_cast<size_t>(t.tm_hour)]) {
      t.tm_hour += 1;
      t.tm_min = 0;
      cur = from_tm(t);
      continue;
    }
    if (!minute_[static_cast<size_t>(t.tm_min)]) {
      t.tm_min += 1;
      cur = from_tm(t);
      continue;
    }
    return cur;
  }
  return std::nullopt;
}

}  // namespace ls::kb
