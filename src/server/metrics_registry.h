// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text
// exposition format 0.0.4. Cells are stable references, safe to update from any thread.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ls::server {

class Counter {
 public:
  void inc(double v = 1) { value_.fetch_add(v, std::memory_order_relaxed); }
  // For a counter that mirrors a monotonic count kept elsewhere (the engine's).
  void set_total(double v) { value_.store(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double v);
  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<uint64_t> cumulative;  // per bucket, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  mutable std::mutex mu_;
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  // per bucket (not cumulative), last = +Inf
  double sum_ = 0;
  uint64_t count_ = 0;
};

enum class MetricType { kCounter, kGauge, kHistogram };

class MetricFamilyBase {
 public:
  MetricFamilyBase(std::string name, std::string help, MetricType type,
                   std::vector<std::string> label_names);
  virtual ~MetricFamilyBase() = default;
  void render(std::string& out) const;

 protected:
  // Appends every sample line of one cell, `labels` already formatted ("a=\"x\"" pairs, no braces).
  virtual void render_cells(std::string& out) const = 0;
  std::string format_labels(const std::vector<std::string>& values) const;

  std::string name_;
  std::string help_;
  MetricType type_;
  std::vector<std::string> label_names_;
  mutable std::mutex mu_;
};

template <class Cell>
class MetricFamily : public MetricFamilyBase {
 public:
  using MetricFamilyBase::MetricFamilyBase;
  MetricFamily(std::string name, std::string help, MetricType type,
               std::vector<std::string> label_names, std::vector<double> buckets)
      : MetricFamilyBase(std::move(name), std::move(help), type, std::move(label_names)),
        buckets_(std::move(buckets)) {}

  // The cell for these label values (in the order of the family's label names), made on first use.
  Cell& with(const std::vector<std::string>& label_values);

 protected:
  void render_cells(std::string& out) const override;

 private:
  std::map<std::vector<std::string>, std::unique_ptr<Cell>> cells_;
  std::vector<double> buckets_;
};

class MetricsRegistry {
 public:
  MetricFamily<Counter>& counter(const std::string& name, const std::string& help,
                                 std::vector<std::string> labels = {});
  MetricFamily<Gauge>& gauge(const std::string& name, const std::string& help,
                             std::vector<std::string> labels = {});
  MetricFamily<Histogram>& histogram(const std::string& name, const std::string& help,
                                     std::vector<double> buckets,
                                     std::vector<std::string> labels = {});
  std::string render() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<MetricFamilyBase>> families_;  // in registration order
};

// Number formatting of the exposition format: shortest round-trip, +Inf/-Inf/NaN spelled out.
std::string format_metric_value(double v);
std::string escape_label_value(const std::string& v);

}  // namespace ls::server
