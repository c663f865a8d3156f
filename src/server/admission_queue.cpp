#include "server/admission_queue.h"

#include <algorithm>

namespace ls::server {

AdmissionQueue::AdmissionQueue(int parallel, int queue_max)
    : parallel_(std::max(1, parallel)), queue_max_(std::max(0, queue_max)) {}

AdmissionQueue::Slot& AdmissionQueue::Slot::operator=(Slot&& o) noexcept {
  if (this != &o) {
    release();
    q_ = o.q_;
    o.q_ = nullptr;
  }
  return *this;
}

void AdmissionQueue::Slot::release() {
  if (q_ != nullptr) q_->release_one();
  q_ = nullptr;
}

AdmissionQueue::Outcome AdmissionQueue::acquire(Slot& slot, Clock::time_point deadline,
                                                const std::function<bool()>& abandoned,
                                                std::chrono::milliseconds poll) {
  std::unique_lock lock(mu_);
  if (draining_) return Outcome::kDraining;
  if (queue_.empty() && running_ < parallel_) {
    ++running_;
    notify_change();
    slot = Slot(this);
    return Outcome::kAdmitted;
  }
  if (static_cast<int>(queue_.size()) >= queue_max_) return Outcome::kQueueFull;
  const uint64_t ticket = next_ticket_++;
  queue_.push_back(ticket);
  notify_change();
  Outcome outcome = Outcome::kAdmitted;
  for (;;) {
    if (draining_) { outcome = Outcome::kDraining; break; }
    if (queue_.front() == ticket && running_ < parallel_) break;
    if (Clock::now() >= deadline) { outcome = Outcome::kTimedOut; break; }
    lock.unlock();
    const bool gone = abandoned && abandoned();
    lock.lock();
    if (gone) { outcome = Outcome::kAbandoned; break; }
    cv_.wait_until(lock, std::min(deadline, Clock::now() + poll));
  }
  queue_.erase(std::find(queue_.begin(), queue_.end(), ticket));
  if (outcome == Outcome::kAdmitted) ++running_;
  notify_change();
  lock.unlock();
  cv_.notify_all();  // the next in line may now be at the front
  if (outcome == Outcome::kAdmitted) slot = Slot(this);
  return outcome;
}

void AdmissionQueue::release_one() {
  std::unique_lock lock(mu_);
  --running_;
  notify_change();
  lock.unlock();
  cv_.notify_all();
}

void AdmissionQueue::drain() {
  {
    std::lock_guard lock(mu_);
    draining_ = true;
  }
  cv_.notify_all();
}

int AdmissionQueue::running() const {
  std::lock_guard lock(mu_);
  return running_;
}

int AdmissionQueue::waiting() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(queue_.size());
}

void AdmissionQueue::notify_change() {
  if (on_change_) on_change_(running_, static_cast<int>(queue_.size()));
}

}  // namespace ls::server
