// The dot products in llama.cpp's float order (kernels/ggml_order.h): the same exact integer sums
// as the default kernels, only rounded elsewhere, so within float rounding of vec_dot; and matmul
// with MatmulOptions::ggml_order routes each token to ggml's GEMM or GEMV order by its place in the
// batch, on every ISA the same bits. (Their agreement with llama.cpp itself is checked end to end
// by tests/model/parity_test.cpp, mode "f16kv/ggml".)
#include "kernels/ggml_order.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "kernel_test_util.h"
#include "kernels/matmul.h"

namespace ls::kernels {
namespace {

TEST(GgmlOrder, DefinedForTheKTypesOnly) {
  for (GgmlType t : test::weight_types()) {
    const GgmlOrderDot* g = ggml_order_dot(t);
    EXPECT_EQ(g != nullptr, test::is_k_type(t)) << static_cast<int>(t);
    if (g == nullptr) continue;
    EXPECT_NE(g->single, nullptr);
    // Only the types llama.cpp repacks on x86 have a separate GEMM order.
    EXPECT_EQ(g->grouped != nullptr, t == GgmlType::Q2_K || t == GgmlType::Q4_K) << static_cast<int>(t);
  }
}

TEST(GgmlOrder, WithinFloatRoundingOfVecDot) {
  for (GgmlType t : test::weight_types()) {
    const GgmlOrderDot* g = ggml_order_dot(t);
    if (g == nullptr) continue;
    const TypeKernels& k = *kernels_for(t, Isa::kScalar);
    const TypeKernels& act = *kernels_for(k.vec_dot_type, Isa::kScalar);
    int differ = 0;
    for (int64_t n : test::test_lengths(t)) {
      for (uint32_t seed = 1; seed <= 8; ++seed) {
        const auto w = test::quantize(k, test::random_row(n, seed, 0.1f));
        const auto a = test::quantize(act, test::random_row(n, 100 + seed), /*activation=*/true);
        const float want = k.vec_dot(n, w.data(), a.data());
        for (VecDotFn f : {g->single, g->grouped}) {
          if (f == nullptr) continue;
          const float got = f(n, w.data(), a.data());
          // A few roundings of partial sums apart; |want| is O(sqrt(n)) here.
          EXPECT_NEAR(got, want, 1e-5 * (std::fabs(want) + std::sqrt(static_cast<double>(n))))
              << static_cast<int>(t) << " n=" << n << " seed=" << seed;
          differ += got != want;
        }
      }
    }
    // The orders are really different (else the mode would be pointless for this type).
    EXPECT_GT(differ, 0) << static_cast<int>(t);
  }
}

TEST(GgmlOrder, MatmulTakesGemmOrderForFullGroupsOfFourOnEveryIsa) {
  const int64_t n_in = 512, n_out = 24;
  for (GgmlType t : {GgmlType::Q2_K, GgmlType::Q4_K, GgmlType::Q6_K}) {
    const TypeKernels& k = *kernels_for(t, Isa::kScalar);
    const TypeKernels& act = *kernels_for(k.vec_dot_type, Isa::kScalar);
    const GgmlOrderDot& g = *ggml_order_dot(t);
    const size_t rs = row_size(t, n_in);
    std::vector<uint8_t> w(rs * n_out);
    for (int64_t r = 0; r < n_out; ++r) {
      const auto row = test::random_row(n_in, 700 + static_cast<uint32_t>(r), 0.1f);
      k.quantize_row(row.data(), w.data() + r * rs, n_in);
    }
    const WeightMatrix m{t, w.data(), n_in, n_out, rs, nullptr};
    for (int64_t n_tokens : {1, 3, 4, 6, 9}) {
      for (bool per_token : {false, true}) {
        const auto x = test::random_row(n_in * n_tokens, 42);
        std::vector<float> want(static_cast<size_t>(n_tokens * n_out));
        std::vector<uint8_t> a(row_size(k.vec_dot_type, n_in));
        const int64_t grouped_end = per_token ? 0 : n_tokens - n_tokens % 4;
        for (int64_t tok = 0; tok < n_tokens; ++tok) {
          act.from_float(x.data() + tok * n_in, a.data(), n_in);
          const VecDotFn f = tok < grouped_end && g.grouped != nullptr ? g.grouped : g.single;
          for (int64_t r = 0; r < n_out; ++r) want[tok * n_out + r] = f(n_in, w.data() + r * rs, a.data());
        }
        for (Isa isa : available_isas()) {
          MatmulOptions o;
          o.isa = isa;
          o.ggml_order = true;
          o.per_token = per_token;
          MatmulScratch scratch;
          std::vector<float> y(want.size(), -1.0f);
          ASSERT_TRUE(matmul(m, x.data(), n_tokens, y.data(), scratch, nullptr, o).ok());
          EXPECT_EQ(0, std::memcmp(want.data(), y.data(), want.size() * sizeof(float)))
              << static_cast<int>(t) << " " << isa_name(isa) << " tokens=" << n_tokens << " per_token=" << per_token;
        }
      }
    }
  }
}

}  // namespace
}  // namespace ls::kernels
