// Back-pressure for generation: at most `parallel` requests run; up to `queue_max` more wait in
// FIFO order; beyond that the caller is told to answer 429. Waiters give up at their deadline, when
// their client leaves, or when the server drains.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

namespace ls::server {

class AdmissionQueue {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Outcome { kAdmitted, kQueueFull, kTimedOut, kAbandoned, kDraining };

  AdmissionQueue(int parallel, int queue_max);

  // A running slot, released when destroyed.
  class Slot {
   public:
    Slot() = default;
    explicit Slot(AdmissionQueue* q) : q_(q) {}
    Slot(Slot&& o) noexcept : q_(o.q_) { o.q_ = nullptr; }
    Slot& operator=(Slot&& o) noexcept;
    ~Slot() { release(); }
    void release();

   private:
    AdmissionQueue* q_ = nullptr;
  };

  // Blocks until admitted (FIFO) or one of the other outcomes. `abandoned` is polled every
  // `poll` while waiting (e.g. the client hung up).
  Outcome acquire(Slot& slot, Clock::time_point deadline, const std::function<bool()>& abandoned,
                  std::chrono::milliseconds poll = std::chrono::milliseconds(20));

  // Wakes every waiter with kDraining and refuses new ones; running slots are untouched.
  void drain();

  int running() const;
  int waiting() const;
  int parallel() const { return parallel_; }
  int queue_max() const { return queue_max_; }
  // Called with (running, waiting) after every change, under the queue's lock: keep it trivial.
  void on_change(std::function<void(int, int)> fn) { on_change_ = std::move(fn); }

 private:
  void release_one();
  void notify_change();  // mu_ held

  const int parallel_;
  const int queue_max_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<uint64_t> queue_;  // tickets of waiters, oldest first
  uint64_t next_ticket_ = 0;
  int running_ = 0;
  bool draining_ = false;
  std::function<void(int, int)> on_change_;
};

}  // namespace ls::server
