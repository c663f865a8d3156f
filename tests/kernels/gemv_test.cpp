// gemv (decode: several weight rows against one activation row) equals vec_dot of the same ISA bit
// for bit, and for the K types also the scalar reference, on every ISA that has it: quantised
// random rows and raw random K blocks (every scale/min/quant bit pattern), odd row counts (partial
// row groups), padded row strides, odd super-block counts and float rows with tails.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include "kernel_test_util.h"
#include "kernels/blocks.h"
#include "kernels/fp16.h"
#include "kernels/kernels.h"

namespace ls::kernels {
namespace {

// Random block bytes with sane half-precision scales written over the d/dmin fields.
std::vector<uint8_t> random_blocks(GgmlType t, int64_t n, int rows, size_t stride, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> w(stride * static_cast<size_t>(rows));
  for (auto& b : w) b = static_cast<uint8_t>(rng());
  std::uniform_real_distribution<float> scale(-0.02f, 0.02f);
  for (int r = 0; r < rows; ++r) {
    for (int64_t i = 0; i < n / kQK_K; ++i) {
      uint8_t* blk = w.data() + r * stride;
      const fp16_t d = fp32_to_fp16(scale(rng)), dmin = fp32_to_fp16(scale(rng));
      if (t == GgmlType::Q4_K) {
        auto* b = reinterpret_cast<BlockQ4_K*>(blk) + i;
        std::memcpy(&b->d, &d, 2);
        std::memcpy(&b->dmin, &dmin, 2);
      } else if (t == GgmlType::Q5_K) {
        auto* b = reinterpret_cast<BlockQ5_K*>(blk) + i;
        std::memcpy(&b->d, &d, 2);
        std::memcpy(&b->dmin, &dmin, 2);
      } else if (t == GgmlType::Q2_K) {
        auto* b = reinterpret_cast<BlockQ2_K*>(blk) + i;
        std::memcpy(&b->d, &d, 2);
        std::memcpy(&b->dmin, &dmin, 2);
      } else if (t == GgmlType::Q3_K) {
        auto* b = reinterpret_cast<BlockQ3_K*>(blk) + i;
        std::memcpy(&b->d, &d, 2);
      } else if (t == GgmlType::Q6_K) {
        auto* b = reinterpret_cast<BlockQ6_K*>(blk) + i;
        std::memcpy(&b->d, &d, 2);
      }
    }
  }
  return w;
}

std::vector<int64_t> lengths(GgmlType t) {
  auto v = test::test_lengths(t);
  if (!test::is_k_type(t)) v.insert(v.end(), {1, 7, 37, 1000 + 3});  // float rows: any length
  return v;
}

TEST(Gemv, EqualsVecDotBitForBit) {
  int compared = 0;
  for (Isa isa : available_isas()) {
    for (GgmlType t : test::weight_types()) {
      const TypeKernels* k = kernels_for(t, isa);
      if (k->gemv == nullptr) continue;
      const TypeKernels* ref = kernels_for(t, Isa::kScalar);
      const TypeKernels* act = kernels_for(k->vec_dot_type, Isa::kScalar);
      for (int64_t n : lengths(t)) {
        for (int nr : {1, 3, 4, 5, 9, 16}) {
          for (bool raw : {false, true}) {
            if (raw && !test::is_k_type(t)) continue;
            const size_t rs = row_size(t, n), stride = rs + 64;  // padded rows: the padding is never read as a row
            std::vector<uint8_t> w(stride * nr);
            if (raw) {
              w = random_blocks(t, n, nr, stride, 7 + static_cast<uint32_t>(nr));
            } else {
              for (int r = 0; r < nr; ++r) k->quantize_row(test::random_row(n, 900 + r).data(), w.data() + r * stride, n);
            }
            std::vector<uint8_t> a(row_size(k->vec_dot_type, n));
            act->from_float(test::random_row(n, 77 + static_cast<uint32_t>(n), raw ? 30.0f : 0.5f).data(), a.data(), n);
            std::vector<float> out(static_cast<size_t>(nr) + 1, -1.0f);
            k->gemv(n, w.data(), stride, nr, a.data(), out.data());
            for (int r = 0; r < nr; ++r) {
              const float want = ref->vec_dot(n, w.data() + r * stride, a.data());
              EXPECT_EQ(out[r], k->vec_dot(n, w.data() + r * stride, a.data()))
                  << "type " << static_cast<int>(t) << " n=" << n << " nr=" << nr << " row " << r << " " << isa_name(isa);
              if (!test::is_k_type(t)) {  // float types: the scalar reference up to summation order
                EXPECT_NEAR(out[r], want, 1e-4 * (1.0 + std::fabs(want))) << "type " << static_cast<int>(t) << " n=" << n;
                continue;
              }
              EXPECT_EQ(out[r], want)
                  << "type " << static_cast<int>(t) << " n=" << n << " nr=" << nr << " row " << r << (raw ? " raw" : "") << " "
                  << isa_name(isa);
            }
            EXPECT_EQ(out[nr], -1.0f);  // nothing written past nr
            ++compared;
          }
        }
      }
    }
  }
  if (compared == 0) GTEST_SKIP() << "no gemv kernels on this CPU";
}

}  // namespace
}  // namespace ls::kernels
