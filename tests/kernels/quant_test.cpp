// Per-type kernel properties on random rows: quantise/dequantise error within the type's expected
// bound, vec_dot equal to the dot product of the dequantised rows, and every SIMD variant on this
// CPU equal to the scalar reference.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "kernel_test_util.h"
#include "kernels/blocks.h"
#include "kernels/fp16.h"
#include "kernels/kernels.h"
#include "util/cpu_features.h"

namespace ls::kernels {
namespace {

using test::dequantize;
using test::quantize;
using test::random_row;

std::string label(GgmlType t, int64_t n) { return "type " + std::to_string(static_cast<int>(t)) + " n=" + std::to_string(n); }

// Relative RMS error of quantise -> dequantise on Gaussian rows with outliers. Bounds sit ~1.3x
// above what the formats give (measured; one-block rows are the worst); a wrong bit or a broken scale search lands far outside.
double rms_bound(GgmlType t) {
  static const std::map<GgmlType, double> bound = {
      {GgmlType::F32, 0.0},    {GgmlType::F16, 3.5e-4}, {GgmlType::BF16, 2.5e-3}, {GgmlType::Q8_0, 0.011},
      {GgmlType::Q6_K, 0.027}, {GgmlType::Q5_0, 0.085}, {GgmlType::Q5_1, 0.055}, {GgmlType::Q5_K, 0.053},
      {GgmlType::Q4_0, 0.18},  {GgmlType::Q4_1, 0.12},  {GgmlType::Q4_K, 0.1},   {GgmlType::Q3_K, 0.23},
      {GgmlType::Q2_K, 0.41}};
  return bound.at(t);
}

TEST(Quant, RoundTripErrorWithinTypeBound) {
  for (GgmlType t : test::weight_types()) {
    const TypeKernels* k = kernels_for(t, Isa::kScalar);
    ASSERT_NE(k, nullptr);
    for (int64_t n : test::test_lengths(t)) {
      const auto x = random_row(n, 1000 + static_cast<uint32_t>(n));
      const auto y = dequantize(*k, quantize(*k, x), n);
      double err = 0, ref = 0;
      for (int64_t i = 0; i < n; ++i) {
        err += (static_cast<double>(y[i]) - x[i]) * (static_cast<double>(y[i]) - x[i]);
        ref += static_cast<double>(x[i]) * x[i];
      }
      const double rel = std::sqrt(err / ref);
      if (std::getenv("LS_PRINT_ERRORS") != nullptr) std::printf("%s rel rms %.4g\n", label(t, n).c_str(), rel);
      EXPECT_LE(rel, rms_bound(t)) << label(t, n);
      if (t != GgmlType::F32) {
        EXPECT_GT(rel, 0.0) << label(t, n);  // it really quantised
      }
    }
  }
}

TEST(Quant, ZeroRowsStayZero) {
  for (GgmlType t : test::weight_types()) {
    const TypeKernels* k = kernels_for(t, Isa::kScalar);
    const int64_t n = test::test_lengths(t)[1];
    const std::vector<float> zeros(static_cast<size_t>(n), 0.0f);
    for (float v : dequantize(*k, quantize(*k, zeros), n)) ASSERT_EQ(v, 0.0f) << label(t, n);
  }
}

// The scalar vec_dot equals the exact dot product of the dequantised weight row with the
// dequantised activation row: the kernels compute what the block formats mean.
TEST(Quant, VecDotEqualsDotOfDequantisedRows) {
  for (GgmlType t : test::weight_types()) {
    const TypeKernels* k = kernels_for(t, Isa::kScalar);
    const TypeKernels* act = kernels_for(k->vec_dot_type, Isa::kScalar);
    ASSERT_NE(act, nullptr);
    for (int64_t n : test::test_lengths(t)) {
      const auto w = quantize(*k, random_row(n, 7 + static_cast<uint32_t>(n)));
      const auto a = quantize(*act, random_row(n, 99 + static_cast<uint32_t>(n), 0.5f), true);
      const auto wf = dequantize(*k, w, n);
      const auto af = dequantize(*act, a, n);
      double ref = 0, mag = 0;
      for (int64_t i = 0; i < n; ++i) {
        ref += static_cast<double>(wf[i]) * af[i];
        mag += std::fabs(static_cast<double>(wf[i]) * af[i]);
      }
      const double got = k->vec_dot(n, w.data(), a.data());
      // 1e-3 relative; when the sum cancels, relative to the magnitude of the terms instead. For
      // Q4_1/Q5_1 the format itself stores Q8_1's s = d * sum(q) as a half, so the min term carries
      // that rounding (2^-11 relative) on top.
      double format_slack = 0;
      if (k->vec_dot_type == GgmlType::Q8_1) {
        const size_t wb = static_cast<size_t>(k->block_bytes);
        for (int64_t b = 0; b < n / 32; ++b) {
          fp16_t m, s;
          std::memcpy(&m, w.data() + b * wb + 2, 2);
          std::memcpy(&s, a.data() + b * sizeof(BlockQ8_1) + 2, 2);
          format_slack += std::fabs(static_cast<double>(fp16_to_fp32(m)) * fp16_to_fp32(s)) * std::ldexp(1.0, -11);
        }
      }
      EXPECT_LE(std::fabs(got - ref), std::max(1e-3 * std::fabs(ref), 1e-5 * mag) + format_slack) << label(t, n);
    }
  }
}

// The activation quantisers round as ggml does: Q8_0/Q8_1 with scale 127/amax and ties to even, Q8_K
// with -127/max and bsums that are the sums of 16 quants.
TEST(Quant, ActivationQuantisersFollowGgmlRounding) {
  const TypeKernels* q8 = kernels_for(GgmlType::Q8_0, Isa::kScalar);
  std::vector<float> x(32, 0.0f);
  x[0] = 127.0f;  // amax 127: id = 1, so quants are the values rounded half to even
  x[1] = 2.5f;
  x[2] = -3.5f;
  x[3] = 0.5f;
  auto q = quantize(*q8, x, true);
  EXPECT_EQ(static_cast<int8_t>(q[2 + 1]), 2);
  EXPECT_EQ(static_cast<int8_t>(q[2 + 2]), -4);
  EXPECT_EQ(static_cast<int8_t>(q[2 + 3]), 0);
  q = quantize(*q8, x, false);  // the reference quantiser for weights rounds half away from zero
  EXPECT_EQ(static_cast<int8_t>(q[2 + 1]), 3);
  EXPECT_EQ(static_cast<int8_t>(q[2 + 3]), 1);

  const TypeKernels* q8k = kernels_for(GgmlType::Q8_K, Isa::kScalar);
  const auto xr = random_row(512, 5);
  const auto qk = quantize(*q8k, xr, true);
  for (int b = 0; b < 2; ++b) {
    struct Block { float d; int8_t qs[256]; int16_t bsums[16]; };
    Block blk;
    std::memcpy(&blk, qk.data() + b * sizeof(Block), sizeof(Block));
    for (int j = 0; j < 16; ++j) {
      int s = 0;
      for (int l = 0; l < 16; ++l) s += blk.qs[16 * j + l];
      EXPECT_EQ(blk.bsums[j], s);
    }
    int extreme = 0;
    for (int8_t v : blk.qs) extreme = std::max(extreme, std::abs(static_cast<int>(v)));
    EXPECT_EQ(extreme, 127);
  }
}

// Every SIMD variant on this CPU against the scalar reference: quantisers and dequantisers
// bit-identical; K-type dot products bit-identical (exact integer sums per super-block); the others
// within 1e-5 of the magnitude (float accumulation order).
TEST(Quant, SimdVariantsEqualScalar) {
  int compared = 0;
  for (Isa isa : available_isas()) {
    if (isa == Isa::kScalar) continue;
    for (GgmlType t : test::weight_types()) {
      const TypeKernels* ref = kernels_for(t, Isa::kScalar);
      const TypeKernels* simd = kernels_for(t, isa);
      const TypeKernels* act_ref = kernels_for(ref->vec_dot_type, Isa::kScalar);
      const TypeKernels* act_simd = kernels_for(ref->vec_dot_type, isa);
      ASSERT_NE(simd, nullptr);
      for (int64_t n : test::test_lengths(t)) {
        const std::string where = label(t, n) + " on " + std::string(isa_name(isa));
        const auto xw = random_row(n, 31 + static_cast<uint32_t>(n));
        const auto xa = random_row(n, 77 + static_cast<uint32_t>(n), 0.3f);
        const auto w = quantize(*ref, xw);
        EXPECT_EQ(quantize(*simd, xw), w) << where;
        EXPECT_EQ(dequantize(*simd, w, n), dequantize(*ref, w, n)) << where;
        const auto a = quantize(*act_ref, xa, true);
        ASSERT_EQ(quantize(*act_simd, xa, true), a) << where;
        const float want = ref->vec_dot(n, w.data(), a.data());
        const float got = simd->vec_dot(n, w.data(), a.data());
        if (test::is_k_type(t)) {
          EXPECT_EQ(got, want) << where;
        } else {
          const auto wf = dequantize(*ref, w, n);
          const auto af = dequantize(*act_ref, a, n);
          double mag = 0;
          for (int64_t i = 0; i < n; ++i) mag += std::fabs(static_cast<double>(wf[i]) * af[i]);
          EXPECT_LE(std::fabs(static_cast<double>(got) - want), 1e-5 * mag + 1e-30) << where;
        }
        ++compared;
      }
    }
  }
  if (compared == 0) GTEST_SKIP() << "no SIMD variant on this CPU";
}

// dot_tile (one weight row against several tokens, for prefill) gives each token exactly the value
// vec_dot gives it: a token's result must not depend on how the batch was tiled.
TEST(Quant, DotTileEqualsVecDotPerToken) {
  int compared = 0;
  for (Isa isa : available_isas()) {
    for (GgmlType t : test::weight_types()) {
      const TypeKernels* k = kernels_for(t, isa);
      if (k->dot_tile == nullptr) continue;
      const TypeKernels* act = kernels_for(k->vec_dot_type, isa);
      const TypeKernels* tile_act = kernels_for(k->tile_act_type, isa);
      const QuantizeRowFn to_tile = k->tile_from_float != nullptr ? k->tile_from_float : tile_act->from_float;
      const int64_t n = test::test_lengths(t)[1] + (test::is_k_type(t) ? 0 : 8 * (t == GgmlType::F16 || t == GgmlType::BF16 || t == GgmlType::F32));
      const int nr = 3, nt = 7;
      const size_t wr = row_size(t, n), ar = row_size(k->vec_dot_type, n), tr = row_size(k->tile_act_type, n);
      std::vector<uint8_t> w(wr * nr), a(ar * nt), at(tr * nt);
      for (int r = 0; r < nr; ++r) k->quantize_row(random_row(n, 300 + r).data(), w.data() + r * wr, n);
      for (int j = 0; j < nt; ++j) {
        act->from_float(random_row(n, 400 + j, 0.5f).data(), a.data() + j * ar, n);
        to_tile(random_row(n, 400 + j, 0.5f).data(), at.data() + j * tr, n);
      }
      std::vector<float> out(static_cast<size_t>(nt) * 5, -1.0f);
      k->dot_tile(n, w.data(), wr, nr, at.data(), tr, nt, out.data(), 5);
      for (int j = 0; j < nt; ++j) {
        for (int r = 0; r < nr; ++r) {
          EXPECT_EQ(out[j * 5 + r], k->vec_dot(n, w.data() + r * wr, a.data() + j * ar)) << label(t, n) << " " << isa_name(isa);
        }
        EXPECT_EQ(out[j * 5 + 3], -1.0f);  // nothing written past nr
      }
      ++compared;
    }
  }
  if (compared == 0) GTEST_SKIP() << "no tiled kernels on this CPU";
}

// The dispatch follows the CPU: every ISA the CPU has (and the build compiled) is available, each
// on top of the one below it, and the default is the best of them.
TEST(Dispatch, ChoosesTheBestIsaTheCpuHas) {
  const std::vector<Isa> isas = available_isas();
  ASSERT_FALSE(isas.empty());
  for (size_t i = 0; i < isas.size(); ++i) EXPECT_EQ(static_cast<int>(isas[i]), static_cast<int>(i));
  EXPECT_EQ(best_isa(), isas.back());
  EXPECT_EQ(kernels(GgmlType::Q4_K), kernels_for(GgmlType::Q4_K, active_isa()));
#if defined(__x86_64__)
  const CpuFeatures& f = cpu_features();
  EXPECT_EQ(isa_available(Isa::kAvx2), f.avx2 && f.fma && f.f16c);
  EXPECT_EQ(isa_available(Isa::kAvx512Vnni), isa_available(Isa::kAvx512) && f.avx512vnni);
#endif
  std::printf("CPU: %s; kernels: %s\n", cpu_features().summary().c_str(), std::string(isa_name(best_isa())).c_str());
}

TEST(Quant, TableDescribesGgmlLayouts) {
  struct Expect { GgmlType t; int block; int bytes; GgmlType dot; };
  using T = GgmlType;
  const Expect expect[] = {{T::F32, 1, 4, T::F32},       {T::F16, 1, 2, T::F16},        {T::BF16, 1, 2, T::BF16},
                           {T::Q4_0, 32, 18, T::Q8_0},   {T::Q4_1, 32, 20, T::Q8_1},    {T::Q5_0, 32, 22, T::Q8_0},
                           {T::Q5_1, 32, 24, T::Q8_1},   {T::Q8_0, 32, 34, T::Q8_0},    {T::Q8_1, 32, 36, T::Q8_1},
                           {T::Q2_K, 256, 84, T::Q8_K},  {T::Q3_K, 256, 110, T::Q8_K},  {T::Q4_K, 256, 144, T::Q8_K},
                           {T::Q5_K, 256, 176, T::Q8_K}, {T::Q6_K, 256, 210, T::Q8_K},  {T::Q8_K, 256, 292, T::Q8_K}};
  for (const auto& e : expect) {
    for (Isa isa : available_isas()) {
      const TypeKernels* k = kernels_for(e.t, isa);
      ASSERT_NE(k, nullptr);
      EXPECT_EQ(k->block_size, e.block);
      EXPECT_EQ(k->block_bytes, e.bytes);
      EXPECT_EQ(k->vec_dot_type, e.dot);
    }
  }
  EXPECT_EQ(kernels_for(GgmlType::IQ2_XXS, Isa::kScalar), nullptr);
  EXPECT_EQ(row_size(GgmlType::Q4_K, 1536), 6u * 144u);
  EXPECT_EQ(supported_types().size(), 15u);
}

}  // namespace
}  // namespace ls::kernels
