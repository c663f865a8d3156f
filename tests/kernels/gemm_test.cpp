// Panel kernels (prefill GEMM): their twin is the vec_dot of every (row, token) pair. The K types
// must equal the scalar vec_dot bit for bit; the 32-value block types must equal their own ISA's
// vec_dot bit for bit (the float order ggml uses, which the model parity tests depend on) and the
// scalar one up to summation order. Checked directly (panel tails, token tails of every width) and
// through matmul with a thread pool.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "kernel_test_util.h"
#include "kernels/gemm.h"
#include "kernels/matmul.h"
#include "util/thread_pool.h"

namespace ls::kernels {
namespace {

std::vector<GgmlType> panel_types() {
  using T = GgmlType;
  return {T::Q2_K, T::Q3_K, T::Q4_K, T::Q5_K, T::Q6_K, T::Q4_0, T::Q5_0, T::Q8_0, T::Q4_1, T::Q5_1};
}

struct Case {
  std::vector<uint8_t> w;  // n_out rows
  std::vector<uint8_t> a;  // n_tokens activation rows (scalar from_float), a_stride apart
  size_t w_stride = 0, a_stride = 0;
};

Case make_case(GgmlType t, int64_t n_in, int n_out, int n_tokens) {
  const TypeKernels* k = kernels_for(t, Isa::kScalar);
  const TypeKernels* act = kernels_for(k->vec_dot_type, Isa::kScalar);
  Case c;
  c.w_stride = row_size(t, n_in);
  c.a_stride = row_size(k->vec_dot_type, n_in);
  c.w.resize(c.w_stride * static_cast<size_t>(n_out));
  c.a.resize(c.a_stride * static_cast<size_t>(n_tokens));
  for (int r = 0; r < n_out; ++r) {
    const auto row = test::random_row(n_in, 900 + static_cast<uint32_t>(r), 0.05f);
    k->quantize_row(row.data(), c.w.data() + r * c.w_stride, n_in);
  }
  for (int i = 0; i < n_tokens; ++i) {
    const auto x = test::random_row(n_in, 77 + static_cast<uint32_t>(i));
    act->from_float(x.data(), c.a.data() + i * c.a_stride, n_in);
  }
  return c;
}

// got: a panel kernel's result on isa; w, a: the weight row and activation row it came from.
void expect_matches(GgmlType t, Isa isa, float got, int64_t n_in, const uint8_t* w, const uint8_t* a,
                    const std::string& where) {
  const float scalar = kernels_for(t, Isa::kScalar)->vec_dot(n_in, w, a);
  if (test::is_k_type(t)) {
    ASSERT_EQ(got, scalar) << where;
  } else {
    ASSERT_EQ(got, kernels_for(t, isa)->vec_dot(n_in, w, a)) << where;
    ASSERT_NEAR(got, scalar, 1e-4 * (1.0 + std::fabs(scalar))) << where;
  }
}

TEST(PanelKernels, EqualScalarVecDotForEveryTileWidthAndPanelTail) {
  for (Isa isa : available_isas()) {
    for (GgmlType t : panel_types()) {
      const GemmKernels* g = gemm_kernels_for(t, isa);
      if (g == nullptr) continue;
      const int64_t n_in = test::is_k_type(t) ? 3 * 256 : 7 * 32;
      const int rows = g->panel_rows;
      for (int nr : {1, rows - 3, rows}) {
        const int nt = 19;  // two full tiles of 8 (or four of 4) and a tail
        const Case c = make_case(t, n_in, nr, nt);
        std::vector<uint8_t> panel(g->panel_bytes(n_in));
        g->pack(c.w.data(), c.w_stride, nr, n_in, panel.data());
        for (int tokens = 1; tokens <= nt; ++tokens) {
          const size_t out_stride = static_cast<size_t>(rows) + 5;
          std::vector<float> out(out_stride * static_cast<size_t>(tokens), -9.0f);
          // Token tiles as matmul builds them: full ones, then a partial one.
          const int n_tiles = (tokens + g->tile_tokens - 1) / g->tile_tokens;
          std::vector<uint8_t> tiles(g->act_tile_bytes(n_in) * static_cast<size_t>(n_tiles), 0xAB);
          for (int k = 0; k < n_tiles; ++k) {
            const int t0 = k * g->tile_tokens;
            g->pack_acts(c.a.data() + t0 * c.a_stride, c.a_stride, std::min(g->tile_tokens, tokens - t0), n_in,
                         tiles.data() + k * g->act_tile_bytes(n_in));
          }
          g->run(n_in, panel.data(), nr, tiles.data(), tokens, out.data(), out_stride);
          for (int i = 0; i < tokens; ++i) {
            for (int r = 0; r < nr; ++r) {
              expect_matches(t, isa, out[i * out_stride + r], n_in, c.w.data() + r * c.w_stride,
                             c.a.data() + i * c.a_stride,
                             std::string(isa_name(isa)) + " type " + std::to_string(static_cast<int>(t)) + " rows " +
                                 std::to_string(nr) + " tokens " + std::to_string(tokens) + " at " +
                                 std::to_string(i) + "," + std::to_string(r));
            }
            // Lanes past nr are not written.
            for (size_t r = static_cast<size_t>(nr); r < out_stride; ++r) ASSERT_EQ(out[i * out_stride + r], -9.0f);
          }
        }
      }
    }
  }
}

TEST(PanelKernels, MatmulThroughPanelsEqualsScalarOnOddShapes) {
  ThreadPool pool(2);
  MatmulScratch scratch;
  for (Isa isa : available_isas()) {
    for (GgmlType t : panel_types()) {
      if (gemm_kernels_for(t, isa) == nullptr) continue;
      const int64_t n_in = test::is_k_type(t) ? 512 : 96;
      const int n_out = 45;
      for (int n_tokens : {4, 13}) {
        const Case c = make_case(t, n_in, n_out, n_tokens);
        std::vector<float> x(static_cast<size_t>(n_in * n_tokens));
        for (int i = 0; i < n_tokens; ++i) {
          const auto row = test::random_row(n_in, 77 + static_cast<uint32_t>(i));
          std::copy(row.begin(), row.end(), x.begin() + i * n_in);
        }
        WeightMatrix m{t, c.w.data(), n_in, n_out, c.w_stride, nullptr};
        MatmulOptions opt;
        opt.isa = isa;
        std::vector<float> y(static_cast<size_t>(n_out * n_tokens));
        ASSERT_TRUE(matmul(m, x.data(), n_tokens, y.data(), scratch, &pool, opt).ok());
        for (int i = 0; i < n_tokens; ++i) {
          for (int r = 0; r < n_out; ++r) {
            expect_matches(t, isa, y[i * n_out + r], n_in, c.w.data() + r * c.w_stride, c.a.data() + i * c.a_stride,
                           std::string(isa_name(isa)) + " type " + std::to_string(static_cast<int>(t)) + " tokens " +
                               std::to_string(n_tokens) + " at " + std::to_string(i) + "," + std::to_string(r));
          }
        }
      }
    }
  }
}

TEST(PanelKernels, OnlyOnSimdIsas) {
  EXPECT_EQ(gemm_kernels_for(GgmlType::Q4_K, Isa::kScalar), nullptr);
  EXPECT_EQ(gemm_kernels_for(GgmlType::F32, best_isa()), nullptr);
  EXPECT_EQ(gemm_kernels_for(static_cast<GgmlType>(999), best_isa()), nullptr);
}

}  // namespace
}  // namespace ls::kernels
