#include "tools/membw.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "util/thread_pool.h"

namespace ls::tools {
namespace {

// How far ahead the reader prefetches, as the decode kernels do (kernels/x86_gemv.inc): a plain
// stream leaves a large part of this VM's bandwidth unused (measured on Zen 5 under KVM, 1 thread:
// ~10 % more with the prefetch), and a roofline that the kernels can beat (shares over 100 %)
// measures the reader, not the memory.
constexpr size_t kPrefetchBytes = 8192;

// Reads every 64-byte line once with 16-byte loads (baseline x86-64) into eight independent
// accumulators, so that the loop is bound by memory, not by the adds; the result is returned so the
// compiler cannot drop the reads. n is a multiple of 16 words (the caller rounds).
uint64_t sum_words(const uint64_t* p, size_t n) {
#if !defined(__SSE2__)
  uint64_t a = 0, b = 0, c = 0, d = 0;
  for (size_t i = 0; i + 4 <= n; i += 4) {
    a += p[i];
    b += p[i + 1];
    c += p[i + 2];
    d += p[i + 3];
  }
  return a + b + c + d;
#else
  const auto* v = reinterpret_cast<const __m128i*>(p);
  __m128i acc[8];
  for (auto& a : acc) a = _mm_setzero_si128();
  for (size_t i = 0; i + 8 <= n / 2; i += 8) {
    // Integer arithmetic: the address may lie past the buffer (a prefetch never faults).
    const uintptr_t ahead = reinterpret_cast<uintptr_t>(v + i) + kPrefetchBytes;
    _mm_prefetch(reinterpret_cast<const char*>(ahead), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(ahead + 64), _MM_HINT_T0);
    for (int k = 0; k < 8; ++k) acc[k] = _mm_add_epi64(acc[k], _mm_load_si128(v + i + k));
  }
  for (int k = 1; k < 8; ++k) acc[0] = _mm_add_epi64(acc[0], acc[k]);
  alignas(16) uint64_t out[2];
  _mm_store_si128(reinterpret_cast<__m128i*>(out), acc[0]);
  return out[0] + out[1];
#endif
}

}  // namespace

Result<double> read_bandwidth(int threads, size_t buffer_bytes, int passes) {
  if (threads < 1) threads = 1;
  // Each thread reads an equal run of whole 128-byte steps, 64-byte aligned.
  const size_t per = buffer_bytes / sizeof(uint64_t) / static_cast<size_t>(threads) / 16 * 16;
  const size_t words = per * static_cast<size_t>(threads);
  if (per < 1024) return Error::invalid("bandwidth buffer of " + std::to_string(buffer_bytes) + " bytes is too small");
  std::unique_ptr<uint64_t, void (*)(void*)> buf(static_cast<uint64_t*>(std::aligned_alloc(64, words * sizeof(uint64_t))), std::free);
  if (!buf) return Error::limit("cannot allocate " + std::to_string(buffer_bytes >> 20) + " MiB for the bandwidth test");
  ThreadPool pool(threads);
  // Touch every page from the thread that will read it (first-touch placement on NUMA machines).
  pool.parallel_for(threads, [&](int t, int) {
    uint64_t* p = buf.get() + per * static_cast<size_t>(t);
    for (size_t i = 0; i < per; ++i) p[i] = i;
  });
  std::vector<uint64_t> sink(static_cast<size_t>(threads));
  double best = 0;
  for (int p = 0; p < passes; ++p) {
    const auto t0 = std::chrono::steady_clock::now();
    pool.parallel_for(threads, [&](int t, int) {
      sink[static_cast<size_t>(t)] += sum_words(buf.get() + per * static_cast<size_t>(t), per);
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
