// The vector dot products: SIMD variants against their scalar twins; the encodings' round trips.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "kb/vector_codec.h"
#include "kb/vector_dot.h"
#include "kernels/fp16.h"

namespace ls::kb {
namespace {

TEST(VectorDot, SimdMatchesScalarForEveryLength) {
  const VectorDotKernels* simd = avx2_vector_dot();
  if (simd == nullptr) GTEST_SKIP() << "no AVX2 on this CPU/build: only the scalar table exists";
  const VectorDotKernels& ref = scalar_vector_dot();
  std::mt19937 rng(7);
  std::normal_distribution<float> g;
  std::uniform_int_distribution<int> q(-127, 127);
  for (size_t n = 0; n <= 130; ++n) {
    std::vector<float> a(n), b(n);
    std::vector<uint16_t> ha(n), hb(n);
    std::vector<int8_t> ia(n), ib(n);
    for (size_t i = 0; i < n; ++i) {
      a[i] = g(rng);
      b[i] = g(rng);
      ha[i] = kernels::fp32_to_fp16(a[i]);
      hb[i] = kernels::fp32_to_fp16(b[i]);
      ia[i] = static_cast<int8_t>(q(rng));
      ib[i] = static_cast<int8_t>(q(rng));
    }
    double exact = 0, scale = 0;
    for (size_t i = 0; i < n; ++i) {
      exact += static_cast<double>(a[i]) * b[i];
      scale += std::fabs(static_cast<double>(a[i]) * b[i]);
    }
    const double tol = 1e-5 * (scale + 1);
    EXPECT_NEAR(ref.dot_f32(a.data(), b.data(), n), exact, tol) << n;
    EXPECT_NEAR(simd->dot_f32(a.data(), b.data(), n), exact, tol) << n;
    EXPECT_NEAR(simd->dot_f16(ha.data(), hb.data(), n), ref.dot_f16(ha.data(), hb.data(), n), tol) << n;
    EXPECT_EQ(simd->dot_i8(ia.data(), ib.data(), n), ref.dot_i8(ia.data(), ib.data(), n)) << n;
  }
}

TEST(VectorDot, Int8ExtremesAreExact) {
  // 384 * 127 * 127 = 6193536: no 16-bit overflow may leak into the sum.
  std::vector<int8_t> a(384, 127), b(384, 127), c(384, -127);
  EXPECT_EQ(vector_dot().dot_i8(a.data(), b.data(), a.size()), 384 * 127 * 127);
  EXPECT_EQ(vector_dot().dot_i8(a.data(), c.data(), a.size()), -384 * 127 * 127);
  EXPECT_EQ(scalar_vector_dot().dot_i8(a.data(), c.data(), a.size()), -384 * 127 * 127);
}

TEST(VectorCodec, EncodingsNormaliseAndKeepCosine) {
  std::mt19937 rng(3);
  std::normal_distribution<float> g;
  std::vector<float> a(96), b(96);
  for (auto& x : a) x = 3 * g(rng);
  for (size_t i = 0; i < b.size(); ++i) b[i] = a[i] + 2 * g(rng);
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  const double cosine = dot / std::sqrt(na * nb);
  for (auto [enc, tol] : {std::pair{VectorEncoding::kF32, 1e-6}, std::pair{VectorEncoding::kF16, 2e-3},
                          std::pair{VectorEncoding::kI8, 2e-2}}) {
    std::string ea, eb;
    encode_vector(enc, a, ea);
    encode_vector(enc, b, eb);
    ASSERT_EQ(ea.size(), encoded_vector_bytes(enc, 96));
    EXPECT_NEAR(encoded_dot(enc, ea.data(), eb.data(), 96), cosine, tol) << vector_encoding_name(enc);
    EXPECT_NEAR(encoded_dot(enc, ea.data(), ea.data(), 96), 1.0, tol) << vector_encoding_name(enc);
    auto back = decode_vector(enc, ea.data(), 96);
    EXPECT_NEAR(back[5], a[5] / std::sqrt(na), tol) << vector_encoding_name(enc);
  }
  std::string zero;
  encode_vector(VectorEncoding::kI8, std::vector<float>(8, 0.0f), zero);
  EXPECT_EQ(encoded_dot(VectorEncoding::kI8, zero.data(), zero.data(), 8), 0.0f);
}

TEST(VectorCodec, ParsesNamesAndRejectsOthers) {
  EXPECT_EQ(*parse_vector_encoding("int8"), VectorEncoding::kI8);
  EXPECT_EQ(*parse_vector_encoding("f16"), VectorEncoding::kF16);
  auto bad = parse_vector_encoding("q4");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("f32, f16, int8"), std::string::npos);
}

}  // namespace
}  // namespace ls::kb
