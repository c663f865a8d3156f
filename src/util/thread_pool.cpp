#include "util/thread_pool.h"

#include <algorithm>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define LS_CPU_RELAX() _mm_pause()
#else
#define LS_CPU_RELAX() std::atomic_signal_fence(std::memory_order_seq_cst)
#endif

namespace ls {
namespace {
// About 20-50 us of spinning before a thread sleeps: long enough to catch the next kernel of a
// forward pass, short enough not to burn a shared core while the engine is idle.
constexpr int kSpinIterations = 4000;
constexpr int kCountBits = 20;
constexpr uint64_t kCountMask = (uint64_t{1} << kCountBits) - 1;
constexpr int kMaxRound = static_cast<int>(kCountMask);

uint64_t pack(uint64_t gen, uint64_t count, uint64_t next) {
  return (gen << (2 * kCountBits)) | (count << kCountBits) | next;
}
}  // namespace

ThreadPool::ThreadPool(int n_threads) {
  if (n_threads <= 0) n_threads = static_cast<int>(std::thread::hardware_concurrency());
  if (n_threads < 1) n_threads = 1;
  workers_.reserve(static_cast<size_t>(n_threads - 1));
  for (int t = 1; t < n_threads; ++t) workers_.emplace_back([this, t] { worker_main(t); });
}

ThreadPool::~ThreadPool() {
  stop_.store(true, std::memory_order_relaxed);
  wake_.fetch_add(1, std::memory_order_release);
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::drain(int thread) {
  uint64_t s = state_.load(std::memory_order_acquire);
  for (;;) {
    const uint64_t next = s & kCountMask, count = (s >> kCountBits) & kCountMask;
    if (next >= count) return;
    if (!state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
    fn_(ctx_, task_base_ + static_cast<int>(next), thread);
    if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == static_cast<int>(count)) done_.notify_one();
    s = state_.load(std::memory_order_acquire);
  }
}

void ThreadPool::run(int n_tasks, TaskFn fn, void* ctx) {
  fn_ = fn;
  ctx_ = ctx;
  for (int base = 0; base < n_tasks; base += kMaxRound) {
    const int count = std::min(kMaxRound, n_tasks - base);
    task_base_ = base;
    done_.store(0, std::memory_order_relaxed);
    const uint64_t gen = ((state_.load(std::memory_order_relaxed) >> (2 * kCountBits)) + 1) & 0xFFFFFF;
    state_.store(pack(gen, static_cast<uint64_t>(count), 0), std::memory_order_release);
    wake_.fetch_add(1, std::memory_order_release);
    wake_.notify_all();
    drain(0);
    for (int spin = 0;; ++spin) {
      const int finished = done_.load(std::memory_order_acquire);
      if (finished == count) break;
      if (spin < kSpinIterations) {
        LS_CPU_RELAX();
      } else {
        done_.wait(finished, std::memory_order_acquire);
      }
    }
  }
}

void ThreadPool::worker_main(int thread) {
  // 0, not the current value: a worker that starts late must still see every bump made since the
  // constructor (the destructor's included), or it would sleep through the shutdown.
  uint32_t seen = 0;
  for (;;) {
    uint32_t now = wake_.load(std::memory_order_acquire);
    for (int spin = 0; now == seen; ++spin) {
      if (spin < kSpinIterations) {
        LS_CPU_RELAX();
      } else {
        wake_.wait(seen, std::memory_order_acquire);
      }
      now = wake_.load(std::memory_order_acquire);
    }
    seen = now;
    if (stop_.load(std::memory_order_relaxed)) return;
    drain(thread);
  }
}

}  // namespace ls
