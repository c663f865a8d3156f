// Bounded FIFO admission: capacity, order, 429 when full, deadlines, abandonment, draining.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "server/admission_queue.h"

namespace ls::server {
namespace {

using namespace std::chrono_literals;
using Clock = AdmissionQueue::Clock;

TEST(AdmissionQueue, AdmitsUpToParallelThenQueuesThenRefuses) {
  AdmissionQueue q(2, 1);
  AdmissionQueue::Slot a, b, c, d;
  EXPECT_EQ(q.acquire(a, Clock::now() + 1s, nullptr), AdmissionQueue::Outcome::kAdmitted);
  EXPECT_EQ(q.acquire(b, Clock::now() + 1s, nullptr), AdmissionQueue::Outcome::kAdmitted);
  EXPECT_EQ(q.running(), 2);
  std::atomic<int> third{-1};
  std::thread waiter([&] { third = static_cast<int>(q.acquire(c, Clock::now() + 5s, nullptr)); });
  while (q.waiting() != 1) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(q.acquire(d, Clock::now() + 1s, nullptr), AdmissionQueue::Outcome::kQueueFull);
  a.release();
  waiter.join();
  EXPECT_EQ(third, static_cast<int>(AdmissionQueue::Outcome::kAdmitted));
  EXPECT_EQ(q.running(), 2);
  EXPECT_EQ(q.waiting(), 0);
}

TEST(AdmissionQueue, FifoOrder) {
  AdmissionQueue q(1, 8);
  AdmissionQueue::Slot first;
  ASSERT_EQ(q.acquire(first, Clock::now() + 1s, nullptr), AdmissionQueue::Outcome::kAdmitted);
  std::mutex mu;
  std::vector<int> order;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      AdmissionQueue::Slot s;
      ASSERT_EQ(q.acquire(s, Clock::now() + 5s, nullptr), AdmissionQueue::Outcome::kAdmitted);
      std::lock_guard lock(mu);
      order.push_back(i);
    });
    while (q.waiting() != i + 1) std::this_thread::sleep_for(1ms);  // enqueue in order i
  }
  first.release();
  for (auto& t : threads) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
}

TEST(AdmissionQueue, DeadlineAbandonAndDrain) {
  AdmissionQueue q(1, 4);
  AdmissionQueue::Slot held;
  ASSERT_EQ(q.acquire(held, Clock::now() + 1s, nullptr), AdmissionQueue::Outcome::kAdmitted);
  AdmissionQueue::Slot s;
  EXPECT_EQ(q.acquire(s, Clock::now() + 30ms, nullptr), AdmissionQueue::Outcome::kTimedOut);
  std::atomic<bool> gone{false};
  std::thread t([&] {  // the client leaves while its request waits
    while (q.waiting() != 1) std::this_thread::sleep_for(1ms);
    gone = true;
  });
  EXPECT_EQ(q.acquire(s, Clock::now() + 5s, [&] { return gone.load(); }, 5ms),
            AdmissionQueue::Outcome::kAbandoned);
  t.join();
  std::thread drainer([&] {
    while (q.waiting() != 1) std::this_thread::sleep_for(1ms);
    q.drain();
  });
  EXPECT_EQ(q.acquire(s, Clock::now() + 5s, nullptr), AdmissionQueue::Outcome::kDraining);
  drainer.join();
  EXPECT_EQ(q.waiting(), 0);
  EXPECT_EQ(q.running(), 1);  // draining leaves running work alone
}

TEST(AdmissionQueue, ZeroQueueRefusesAtOnce) {
  AdmissionQueue q(1, 0);
  AdmissionQueue::Slot a, b;
  ASSERT_EQ(q.acquire(a, Clock::now() + 1s, nullptr), AdmissionQueue::Outcome::kAdmitted);
  EXPECT_EQ(q.acquire(b, Clock::now() + 1s, nullptr), AdmissionQueue::Outcome::kQueueFull);
}

}  // namespace
}  // namespace ls::server
