#include "server/metrics_registry.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace ls::server {
namespace {

const char* type_name(MetricType t) {
  switch (t) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

std::string escape_help(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void sample(std::string& out, const std::string& name, const std::string& labels, double v) {
  out += name;
  if (!labels.empty()) out += "{" + labels + "}";
  out += ' ';
  out += format_metric_value(v);
  out += '\n';
}

std::string join_labels(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + "," + b;
}

}  // namespace

std::string format_metric_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  // The shortest form that reads back as the same double (0.0025, not 0.0025000000000000001).
  char buf[40];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string escape_label_value(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  counts_.assign(bounds_.size() + 1, 0);
}

void Histogram::observe(double v) {
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();  // le: v <= bound
  std::lock_guard lock(mu_);
  ++counts_[i];
  sum_ += v;
  ++count_;
}

Histogram::Snapshot Histogram::snapshot() const {
  std::lock_guard lock(mu_);
  Snapshot s{bounds_, {}, sum_, count_};
  uint64_t running = 0;
  for (uint64_t c : counts_) s.cumulative.push_back(running += c);
  return s;
}

MetricFamilyBase::MetricFamilyBase(std::string name, std::string help, MetricType type,
                                   std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), type_(type),
      label_names_(std::move(label_names)) {}

void MetricFamilyBase::render(std::string& out) const {
  out += "# HELP " + name_ + " " + escape_help(help_) + "\n";
  out += "# TYPE " + name_ + " " + type_name(type_) + "\n";
  render_cells(out);
}

std::string MetricFamilyBase::format_labels(const std::vector<std::string>& values) const {
  std::string out;
  for (size_t i = 0; i < label_names_.size() && i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += label_names_[i] + "=\"" + escape_label_value(values[i]) + "\"";
  }
  return out;
}

template <class Cell>
Cell& MetricFamily<Cell>::with(const std::vector<std::string>& label_values) {
  if (label_values.size() != label_names_.size())
    throw std::logic_error("metric " + name_ + ": wrong number of label values");
  std::lock_guard lock(mu_);
  auto& cell = cells_[label_values];
  if (!cell) {
    if constexpr (std::is_same_v<Cell, Histogram>) cell = std::make_unique<Histogram>(buckets_);
    else cell = std::make_unique<Cell>();
  }
  return *cell;
}

template <class Cell>
void MetricFamily<Cell>::render_cells(std::string& out) const {
  std::lock_guard lock(mu_);
  for (const auto& [values, cell] : cells_) {
    const std::string labels = format_labels(values);
    if constexpr (std::is_same_v<Cell, Histogram>) {
      Histogram::Snapshot s = cell->snapshot();
      for (size_t i = 0; i < s.upper_bounds.size(); ++i)
        sample(out, name_ + "_bucket",
               join_labels(labels, "le=\"" + format_metric_value(s.upper_bounds[i]) + "\""),
               static_cast<double>(s.cumulative[i]));
      sample(out, name_ + "_bucket", join_labels(labels, "le=\"+Inf\""),
             static_cast<double>(s.cumulative.back()));
      sample(out, name_ + "_sum", labels, s.sum);
      sample(out, name_ + "_count", labels, static_cast<double>(s.count));
    } else {
      sample(out, name_, labels, cell->value());
    }
  }
}

template class MetricFamily<Counter>;
template class MetricFamily<Gauge>;
template class MetricFamily<Histogram>;

MetricFamily<Counter>& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                                std::vector<std::string> labels) {
  std::lock_guard lock(mu_);
  auto f = std::make_unique<MetricFamily<Counter>>(name, help, MetricType::kCounter, std::move(labels));
  auto& ref = *f;
  families_.push_back(std::move(f));
  return ref;
}

MetricFamily<Gauge>& MetricsRegistry::gauge(const std::string& name, const std::string& help,
                                            std::vector<std::string> labels) {
  std::lock_guard lock(mu_);
  auto f = std::make_unique<MetricFamily<Gauge>>(name, help, MetricType::kGauge, std::move(labels));
  auto& ref = *f;
  families_.push_back(std::move(f));
  return ref;
}

MetricFamily<Histogram>& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                                    std::vector<double> buckets,
                                                    std::vector<std::string> labels) {
  std::lock_guard lock(mu_);
  auto f = std::make_unique<MetricFamily<Histogram>>(name, help, MetricType::kHistogram,
                                                     std::move(labels), std::move(buckets));
  auto& ref = *f;
  families_.push_back(std::move(f));
  return ref;
}

std::string MetricsRegistry::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& f : families_) f->render(out);
  return out;
}

}  // namespace ls::server
