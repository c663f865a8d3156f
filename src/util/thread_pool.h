// A persistent pool of worker threads for data-parallel loops on the hot path: parallel_for takes no
// lock and allocates nothing; idle workers spin briefly (cheap hand-off between back-to-back kernels)
// and then sleep on a futex-backed atomic wait. Tasks are claimed one at a time from a shared
// counter, and the caller waits for the tasks, not for the workers: on a busy machine a worker that
// is not scheduled in time simply does no work instead of delaying the whole call.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>
#include <type_traits>
#include <vector>

namespace ls {

class ThreadPool {
 public:
  // n_threads counts the calling thread too: ThreadPool(2) starts one worker. n_threads <= 0 means
  // std::thread::hardware_concurrency().
  explicit ThreadPool(int n_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs fn(task, thread) for task in [0, n_tasks), spread over the pool; thread is in [0, size()),
  // 0 being the caller. Returns when every task has finished. Tasks are handed out dynamically in
  // index order. Not re-entrant: call from one thread at a time, and not from inside a task.
  template <class F>
  void parallel_for(int n_tasks, F&& fn) {
    using Fn = std::remove_reference_t<F>;
    if (n_tasks <= 0) return;
    if (n_tasks == 1 || workers_.empty()) {
      for (int t = 0; t < n_tasks; ++t) fn(t, 0);
      return;
    }
    run(n_tasks, [](void* ctx, int task, int thread) { (*static_cast<Fn*>(ctx))(task, thread); },
        const_cast<void*>(static_cast<const void*>(&fn)));
  }

 private:
  using TaskFn = void (*)(void* ctx, int task, int thread);
  void run(int n_tasks, TaskFn fn, void* ctx);
  void worker_main(int thread);
  void drain(int thread);

  std::vector<std::thread> workers_;
  // The job: written by the caller before it publishes a new state_ (release); stable until every
  // task of that job has finished, which cannot happen before a claimed task has run.
  TaskFn fn_ = nullptr;
  void* ctx_ = nullptr;
  int task_base_ = 0;  // jobs above the claim counter's range run in rounds
  // Claim word: generation (24 bits) | task count (20 bits) | next task (20 bits). A claim is one
  // compare-exchange, so a worker holding a stale view can never claim a task of the next job.
  alignas(64) std::atomic<uint64_t> state_{0};
  alignas(64) std::atomic<int> done_{0};        // tasks finished in the current job
  alignas(64) std::atomic<uint32_t> wake_{0};   // bumped per job; sleeping workers wait on it
  std::atomic<bool> stop_{false};
};

}  // namespace ls
