#include "util/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

namespace ls {
namespace {

TEST(ThreadPool, RunsEveryTaskExactlyOnce) {
  ThreadPool pool(3);
  EXPECT_EQ(pool.size(), 3);
  for (int n : {0, 1, 2, 3, 7, 100, 1000}) {
    std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
    std::atomic<int> bad_thread{0};
    pool.parallel_for(n, [&](int task, int thread) {
      hits[static_cast<size_t>(task)].fetch_add(1);
      if (thread < 0 || thread >= pool.size()) bad_thread.fetch_add(1);
    });
    for (int i = 0; i < n; ++i) ASSERT_EQ(hits[static_cast<size_t>(i)].load(), 1) << "n=" << n << " task " << i;
    EXPECT_EQ(bad_thread.load(), 0);
  }
}

TEST(ThreadPool, UsesWorkersAndSurvivesManyBackToBackCalls) {
  ThreadPool pool(2);
  std::set<int> threads_seen;
  std::atomic<int> on_worker{0};
  // The caller's first task holds on until the worker has run one, so the caller cannot finish them
  // all alone however late a busy machine schedules the worker (a timed sleep could not promise
  // that); a worker that never wakes fails the check after the deadline instead of hanging.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  pool.parallel_for(8, [&](int, int thread) {
    if (thread != 0) {
      on_worker.fetch_add(1);
      return;
    }
    while (on_worker.load() == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  EXPECT_GT(on_worker.load(), 0);
  // Many tiny jobs in a row, including after the workers went to sleep.
  long long total = 0;
  for (int round = 0; round < 2000; ++round) {
    std::atomic<long long> sum{0};
    pool.parallel_for(4, [&](int task, int) { sum.fetch_add(task + 1); });
    total += sum.load();
    if (round == 1000) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(total, 2000LL * 10);
}

TEST(ThreadPool, SingleThreadPoolRunsInline) {
  ThreadPool pool(1);
  const auto caller = std::this_thread::get_id();
  int count = 0;
  pool.parallel_for(5, [&](int, int thread) {
    EXPECT_EQ(thread, 0);
    EXPECT_EQ(std::this_thread::get_id(), caller);
    ++count;
  });
  EXPECT_EQ(count, 5);
}

}  // namespace
}  // namespace ls
