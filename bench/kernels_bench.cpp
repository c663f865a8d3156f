// Kernel benchmark (not a test): prints a table of
//  - streaming read bandwidth of this machine (the decode roofline),
//  - decode (matrix x vector) GB/s of weights streamed, per type, ISA and thread count,
//  - prefill GFLOP/s for 128 tokens.
// Usage: kernels_bench [--types q4_K,q8_0,...] [--n-in 1536] [--n-out 8960] [--tokens 128]
//                      [--no-prefill] [--threads 2] [--hot]
// --hot: decode on one copy of W that stays in cache (pick --n-out so that W fits L2): the kernel's
// own throughput, what it could stream at most, independent of the memory and of other load.
#include <emmintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "gguf/ggml_types.h"
#include "kernels/kernels.h"
#include "kernels/matmul.h"
#include "util/cpu_features.h"
#include "util/thread_pool.h"

namespace {

using ls::kernels::GgmlType;
using ls::kernels::Isa;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Timing {
  double best = 1e30;  // fastest single call: least disturbed by other load (compute-bound work)
  double mean = 0;     // average call: what a stream of calls really gets from memory
};

// Times fn at least min_reps times and for at least min_total seconds.
template <class F>
Timing time_calls(F&& fn, int min_reps, double min_total) {
  Timing r;
  double total = 0;
  int reps = 0;
  for (; reps < min_reps || total < min_total; ++reps) {
    const auto t0 = Clock::now();
    fn();
    const double t = seconds_since(t0);
    r.best = std::min(r.best, t);
    total += t;
    if (reps > 400) break;
  }
  r.mean = total / (reps + (reps > 400 ? 1 : 0));
  return r;
}

// Streaming read of a buffer much larger than the caches, split over the pool.
double read_bandwidth(ls::ThreadPool& pool, int threads) {
  const size_t bytes = size_t{512} << 20;
  static std::vector<uint64_t> buf(bytes / 8, 1);
  std::vector<uint64_t> sums(64 * 8, 0);
  const size_t per = buf.size() / static_cast<size_t>(threads);
  const double t = time_calls(
      [&] {
        pool.parallel_for(threads, [&](int task, int) {
          // 128-bit loads (baseline x86-64) into 8 independent accumulators: enough in flight that
          // the loop is bound by memory, not by the adds.
          const auto* p = reinterpret_cast<const __m128i*>(buf.data() + per * static_cast<size_t>(task));
          __m128i acc[8];
          for (auto& a : acc) a = _mm_setzero_si128();
          for (size_t i = 0; i < per / 2; i += 8) {
            for (int k = 0; k < 8; ++k) acc[k] = _mm_add_epi64(acc[k], _mm_load_si128(p + i + k));
          }
          for (int k = 1; k < 8; ++k) acc[0] = _mm_add_epi64(acc[0], acc[k]);
          const uint64_t s0 = static_cast<uint64_t>(_mm_cvtsi128_si64(acc[0])), s1 = 0, s2 = 0, s3 = 0;
          sums[static_cast<size_t>(task) * 8] = s0 + s1 + s2 + s3;
        });
      },
      3, 0.5).mean;
  return static_cast<double>(per * static_cast<size_t>(threads) * 8) / t / 1e9;
}

std::vector<GgmlType> parse_types(const std::string& list) {
  std::vector<GgmlType> out;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t end = std::min(list.find(',', start), list.size());
    const auto t = ls::gguf::type_from_name(list.substr(start, end - start));
    if (!t) {
      std::fprintf(stderr, "unknown type '%s'\n", list.substr(start, end - start).c_str());
      std::exit(2);
    }
    out.push_back(*t);
    start = end + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<GgmlType> types = {GgmlType::Q4_K, GgmlType::Q6_K, GgmlType::Q8_0, GgmlType::F16, GgmlType::Q5_K,
                                 GgmlType::Q4_0, GgmlType::Q2_K, GgmlType::Q3_K, GgmlType::Q4_1, GgmlType::Q5_0,
                                 GgmlType::Q5_1, GgmlType::BF16, GgmlType::F32};
  std::vector<GgmlType> prefill_types = {GgmlType::Q4_K, GgmlType::Q6_K, GgmlType::Q8_0, GgmlType::F16};
  int64_t n_in = 1536, n_out = 8960, n_tokens = 128;
  int max_threads = 2;
  bool prefill = true;
  bool hot = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--types") types = prefill_types = parse_types(next());
    else if (a == "--n-in") n_in = std::atoll(next().c_str());
    else if (a == "--n-out") n_out = std::atoll(next().c_str());
    else if (a == "--tokens") n_tokens = std::atoll(next().c_str());
    else if (a == "--threads") max_threads = std::atoi(next().c_str());
    else if (a == "--no-prefill") prefill = false;
    else if (a == "--hot") hot = true;
    else {
      std::fprintf(stderr, "usage: kernels_bench [--types a,b] [--n-in N] [--n-out N] [--tokens N] [--threads N] [--no-prefill] [--hot]\n");
      return 2;
    }
  }

  std::printf("CPU features: %s\n", ls::cpu_features().summary().c_str());
  std::vector<Isa> isas = ls::kernels::available_isas();
  std::vector<std::unique_ptr<ls::ThreadPool>> pools;
  for (int t = 1; t <= max_threads; ++t) pools.push_back(std::make_unique<ls::ThreadPool>(t));

  std::printf("\nStreaming read bandwidth (512 MiB buffer):\n");
  for (int t = 1; t <= max_threads; ++t) std::printf("  %d thread%s: %6.1f GB/s\n", t, t > 1 ? "s" : "", read_bandwidth(*pools[t - 1], t));

  // Weights: 64 distinct quantised rows repeated over the matrix (quantising 14M values with the
  // K-type searches would take longer than the benchmark).
  std::vector<float> x(static_cast<size_t>(n_in * n_tokens));
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(((i * 2654435761u) >> 7) % 2001) / 1000.0f - 1.0f;
  ls::kernels::MatmulScratch scratch;
  std::vector<float> y(static_cast<size_t>(n_out * n_tokens));

  std::printf("\nDecode: y = W x, W %lld x %lld (n_out x n_in), GB/s of weights streamed:\n"
              "best call / mean over the run (on a shared machine the mean also counts time the thread was not scheduled)\n",
              static_cast<long long>(n_out), static_cast<long long>(n_in));
  std::printf("%-6s %9s", "type", "MiB");
  for (Isa isa : isas) {
    for (int t = 1; t <= max_threads; ++t) std::printf(" %15s", (std::string(ls::kernels::isa_name(isa)) + "/" + std::to_string(t) + "t").c_str());
  }
  std::printf("\n");

  // Decode streams every matrix from DRAM in a real model (a 1.5B Q4_K model is ~1 GB, far beyond
  // L3), so the decode run cycles through enough copies of W to overflow the caches.
  struct Prepared {
    GgmlType type;
    std::vector<uint8_t> w;
    ls::kernels::WeightMatrix m;
    std::vector<std::vector<uint8_t>> copies;
  };
  auto prepare = [&](GgmlType type, bool decode) {
    const ls::kernels::TypeKernels* k = ls::kernels::kernels_for(type, Isa::kScalar);
    Prepared p{type, {}, {}, {}};
    const size_t rs = ls::kernels::row_size(type, n_in);
    p.w.resize(rs * static_cast<size_t>(n_out));
    std::vector<float> row(static_cast<size_t>(n_in));
    for (int64_t r = 0; r < std::min<int64_t>(64, n_out); ++r) {
      for (int64_t i = 0; i < n_in; ++i) row[i] = static_cast<float>(((r * 7919 + i * 104729) % 1000) - 500) / 2000.0f;
      k->quantize_row(row.data(), p.w.data() + r * rs, n_in);
    }
    for (int64_t r = 64; r < n_out; ++r) std::memcpy(p.w.data() + r * rs, p.w.data() + (r % 64) * rs, rs);
    p.m = ls::kernels::WeightMatrix{type, p.w.data(), n_in, n_out, rs, nullptr};
    const size_t n_copies = !decode ? 0 : hot ? 1 : std::max<size_t>(2, (size_t{1} << 30) / p.w.size());
    for (size_t c = 0; c < n_copies; ++c) p.copies.push_back(p.w);
    return p;
  };

  for (GgmlType type : types) {
    const Prepared p = prepare(type, true);
    const double bytes = static_cast<double>(p.w.size());
    std::printf("%-6s %9.1f", std::string(ls::gguf::type_name(type)).c_str(), bytes / (1 << 20));
    for (Isa isa : isas) {
      for (int t = 1; t <= max_threads; ++t) {
        ls::kernels::MatmulOptions opt;
        opt.isa = isa;
        size_t next = 0;
        ls::kernels::WeightMatrix m = p.m;
        const Timing tm = time_calls(
            [&] {
              m.data = p.copies[next++ % p.copies.size()].data();
              (void)ls::kernels::matmul(m, x.data(), 1, y.data(), scratch, pools[t - 1].get(), opt);
            },
            hot ? 200 : 3 * static_cast<int>(p.copies.size()), 0.3);
        std::printf("   %5.1f / %4.1f", bytes / tm.best / 1e9, bytes / tm.mean / 1e9);
      }
    }
    std::printf("\n");
    std::fflush(stdout);
  }

  if (prefill) {
    std::printf("\nPrefill: %lld tokens, GFLOP/s (2 * n_in * n_out * tokens / fastest call)\n", static_cast<long long>(n_tokens));
    std::printf("%-6s", "type");
    for (Isa isa : isas) {
      for (int t = 1; t <= max_threads; ++t) std::printf(" %11s", (std::string(ls::kernels::isa_name(isa)) + "/" + std::to_string(t) + "t").c_str());
    }
    std::printf("\n");
    const double flops = 2.0 * static_cast<double>(n_in) * static_cast<double>(n_out) * static_cast<double>(n_tokens);
    for (GgmlType type : prefill_types) {
      const Prepared p = prepare(type, false);
      std::printf("%-6s", std::string(ls::gguf::type_name(type)).c_str());
      for (Isa isa : isas) {
        for (int t = 1; t <= max_threads; ++t) {
          ls::kernels::MatmulOptions opt;
          opt.isa = isa;
          const double sec = time_calls([&] { (void)ls::kernels::matmul(p.m, x.data(), n_tokens, y.data(), scratch, pools[t - 1].get(), opt); }, 1, 0.5).best;
          std::printf(" %11.1f", flops / sec / 1e9);
          std::fflush(stdout);
        }
      }
      std::printf("\n");
    }
  }
  return 0;
}
