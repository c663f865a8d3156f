#include "tools/membw.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "util/thread_pool.h"

namespace ls::tools {
namespace {

// Four independent accumulators so the loop is bound by loads, not by one add chain; the result
// is returned so the compiler cannot drop the reads.
uint64_t sum_words(const uint64_t* p, size_t n) {
  uint64_t a = 0, b = 0, c = 0, d = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    a += p[i];
    b += p[i + 1];
    c += p[i + 2];
    d += p[i + 3];
  }
  for (; i < n; ++i) a += p[i];
  return a + b + c + d;
}

}  // namespace

Result<double> read_bandwidth(int threads, size_t buffer_bytes, int passes) {
  if (threads < 1) threads = 1;
  const size_t words = buffer_bytes / sizeof(uint64_t);
  if (words < 1024) return Error::invalid("bandwidth buffer of " + std::to_string(buffer_bytes) + " bytes is too small");
  std::unique_ptr<uint64_t[]> buf(new (std::nothrow) uint64_t[words]);
  if (!buf) return Error::limit("cannot allocate " + std::to_string(buffer_bytes >> 20) + " MiB for the bandwidth test");
  ThreadPool pool(threads);
  // Touch every page from the thread that will read it (first-touch placement on NUMA machines).
  const size_t per = (words + static_cast<size_t>(threads) - 1) / static_cast<size_t>(threads);
  pool.parallel_for(threads, [&](int t, int) {
    const size_t lo = std::min(words, per * static_cast<size_t>(t)), hi = std::min(words, lo + per);
    for (size_t i = lo; i < hi; ++i) buf[i] = i;
  });
  std::vector<uint64_t> sink(static_cast<size_t>(threads));
  double best = 0;
  for (int p = 0; p < passes; ++p) {
    const auto t0 = std::chrono::steady_clock::now();
    pool.parallel_for(threads, [&](int t, int) {
      const size_t lo = std::min(words, per * static_cast<size_t>(t)), hi = std::min(words, lo + per);
      sink[static_cast<size_t>(t)] += sum_words(buf.get() + lo, hi - lo);
    });
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, static_cast<double>(words * sizeof(uint64_t)) / s);
  }
  volatile uint64_t keep = 0;
  for (uint64_t v : sink) keep = keep + v;
  (void)keep;
  return best;
}

}  // namespace ls::tools
