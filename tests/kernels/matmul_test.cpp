// matmul: equals a plain loop over the scalar reference kernels, single- or multi-threaded, for
// every type and the shapes the model uses (one token = decode, several = prefill tiles).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "kernel_test_util.h"
#include "kernels/matmul.h"
#include "util/thread_pool.h"

namespace ls::kernels {
namespace {

struct Problem {
  std::vector<uint8_t> w;
  std::vector<float> x;
  WeightMatrix m;
};

Problem make_problem(GgmlType t, int64_t n_in, int64_t n_out, int64_t n_tokens) {
  const TypeKernels* k = kernels_for(t, Isa::kScalar);
  Problem p;
  const size_t rs = row_size(t, n_in);
  p.w.resize(rs * static_cast<size_t>(n_out));
  for (int64_t r = 0; r < n_out; ++r) {
    const auto row = test::random_row(n_in, 500 + static_cast<uint32_t>(r), 0.1f);
    k->quantize_row(row.data(), p.w.data() + r * rs, n_in);
  }
  p.x = test::random_row(n_in * n_tokens, 42);
  p.m = WeightMatrix{t, p.w.data(), n_in, n_out, rs, nullptr};
  return p;
}

// y[t][r] = scalar vec_dot(row r, scalar from_float(x[t])).
std::vector<float> reference(const Problem& p, int64_t n_tokens) {
  const TypeKernels* k = kernels_for(p.m.type, Isa::kScalar);
  const TypeKernels* act = kernels_for(k->vec_dot_type, Isa::kScalar);
  std::vector<float> y(static_cast<size_t>(n_tokens * p.m.n_out));
  std::vector<uint8_t> a(row_size(k->vec_dot_type, p.m.n_in));
  for (int64_t t = 0; t < n_tokens; ++t) {
    act->from_float(p.x.data() + t * p.m.n_in, a.data(), p.m.n_in);
    for (int64_t r = 0; r < p.m.n_out; ++r) {
      y[t * p.m.n_out + r] = k->vec_dot(p.m.n_in, p.w.data() + r * p.m.row_stride, a.data());
    }
  }
  return y;
}

TEST(Matmul, ScalarSingleAndThreadedEqualReferenceExactly) {
  ThreadPool pool(2);
  MatmulScratch scratch;
  for (GgmlType t : test::weight_types()) {
    const int64_t n_in = test::is_k_type(t) ? 512 : 96;
    for (int64_t n_tokens : {1, 3, 9}) {
      const Problem p = make_problem(t, n_in, 67, n_tokens);
      const auto want = reference(p, n_tokens);
      std::vector<float> y1(want.size(), -1.0f), y2(want.size(), -2.0f);
      MatmulOptions opt;
      opt.isa = Isa::kScalar;
      ASSERT_TRUE(matmul(p.m, p.x.data(), n_tokens, y1.data(), scratch, nullptr, opt).ok());
      ASSERT_TRUE(matmul(p.m, p.x.data(), n_tokens, y2.data(), scratch, &pool, opt).ok());
      EXPECT_EQ(y1, want) << static_cast<int>(t) << " tokens " << n_tokens;
      EXPECT_EQ(y2, want) << static_cast<int>(t) << " tokens " << n_tokens;
    }
  }
}

TEST(Matmul, BestIsaThreadedMatchesScalar) {
  ThreadPool pool(2);
  MatmulScratch scratch;
  for (GgmlType t : test::weight_types()) {
    const int64_t n_in = test::is_k_type(t) ? 768 : 160;
    for (int64_t n_tokens : {1, 5}) {
      const Problem p = make_problem(t, n_in, 131, n_tokens);
      const auto want = reference(p, n_tokens);
      std::vector<float> y(want.size());
      ASSERT_TRUE(matmul(p.m, p.x.data(), n_tokens, y.data(), scratch, &pool).ok());
      for (size_t i = 0; i < y.size(); ++i) {
        ASSERT_NEAR(y[i], want[i], 1e-4 * (1.0 + std::fabs(want[i]))) << static_cast<int>(t) << " at " << i;
      }
    }
  }
}

TEST(Matmul, StridesAndErrors) {
  MatmulScratch scratch;
  const Problem p = make_problem(GgmlType::Q8_0, 64, 20, 2);
  // x rows padded to 80 floats, y rows to 24: the padding is neither read nor written.
  std::vector<float> x(160, 1e30f), y(48, -7.0f);
  for (int t = 0; t < 2; ++t) std::copy(p.x.begin() + t * 64, p.x.begin() + (t + 1) * 64, x.begin() + t * 80);
  MatmulOptions opt;
  opt.x_stride = 80;
  opt.y_stride = 24;
  ASSERT_TRUE(matmul(p.m, x.data(), 2, y.data(), scratch, nullptr, opt).ok());
  const auto want = reference(p, 2);
  for (int t = 0; t < 2; ++t) {
    for (int r = 0; r < 20; ++r) EXPECT_NEAR(y[t * 24 + r], want[t * 20 + r], 1e-4);
    for (int r = 20; r < 24; ++r) EXPECT_EQ(y[t * 24 + r], -7.0f);
  }

  WeightMatrix bad = p.m;
  bad.n_in = 48;  // not a multiple of 32
  const auto r1 = matmul(bad, x.data(), 1, y.data(), scratch, nullptr);
  ASSERT_FALSE(r1.ok());
  EXPECT_NE(r1.error().message.find("multiple of the block size"), std::string::npos);
  bad = p.m;
  bad.type = GgmlType::IQ2_XXS;
  EXPECT_EQ(matmul(bad, x.data(), 1, y.data(), scratch, nullptr).error().kind, ErrorKind::kUnsupported);
  bad = p.m;
  bad.data = nullptr;
  EXPECT_FALSE(matmul(bad, x.data(), 1, y.data(), scratch, nullptr).ok());
}

TEST(Matmul, ScratchIsReusedNotReallocated) {
  MatmulScratch scratch;
  const Problem p = make_problem(GgmlType::Q4_K, 256, 32, 4);
  std::vector<float> y(128);
  ASSERT_TRUE(matmul(p.m, p.x.data(), 4, y.data(), scratch, nullptr).ok());
  const size_t cap = scratch.capacity();
  void* before = scratch.reserve(1);
  ASSERT_TRUE(matmul(p.m, p.x.data(), 1, y.data(), scratch, nullptr).ok());
  EXPECT_EQ(scratch.capacity(), cap);
  EXPECT_EQ(scratch.reserve(1), before);
}

}  // namespace
}  // namespace ls::kernels
