// Half and bfloat16 conversions: exhaustive over all 65536 encodings, plus every rounding midpoint,
// for the scalar code and for the SIMD row converters of each ISA on this CPU.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/fp16.h"
#include "kernels/kernels.h"

namespace ls::kernels {
namespace {

// Independent decoding of a half: (-1)^s * 2^(e-15) * (1 + m/1024), subnormals 2^-14 * m/1024.
double half_value(uint16_t h) {
  const int s = h >> 15, e = (h >> 10) & 31, m = h & 1023;
  double v = e == 0 ? std::ldexp(m, -24) : std::ldexp(1024 + m, e - 25);
  return s ? -v : v;
}

bool is_half_nan(uint16_t h) { return ((h >> 10) & 31) == 31 && (h & 1023) != 0; }

TEST(Fp16, DecodesEveryEncoding) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = fp16_to_fp32(static_cast<fp16_t>(h));
    if (is_half_nan(static_cast<uint16_t>(h))) {
      EXPECT_TRUE(std::isnan(f)) << h;
    } else if (((h >> 10) & 31) == 31) {
      EXPECT_TRUE(std::isinf(f) && std::signbit(f) == (h >> 15 != 0)) << h;
    } else {
      ASSERT_EQ(static_cast<double>(f), half_value(static_cast<uint16_t>(h))) << h;
      ASSERT_EQ(std::signbit(f), (h >> 15) != 0) << h;
    }
  }
}

TEST(Fp16, RoundTripsAndRoundsHalfToEven) {
  for (uint32_t h = 0; h < 65536; ++h) {
    if (is_half_nan(static_cast<uint16_t>(h))) {
      EXPECT_TRUE(is_half_nan(fp32_to_fp16(fp16_to_fp32(static_cast<fp16_t>(h))))) << h;
      continue;
    }
    ASSERT_EQ(fp32_to_fp16(fp16_to_fp32(static_cast<fp16_t>(h))), h) << h;
  }
  // Midpoints between neighbours (both signs): ties go to the even encoding, and one float ulp
  // either side goes to the nearer neighbour.
  for (uint32_t h = 0; h < 0x7BFF; ++h) {
    for (uint32_t sign : {0u, 0x8000u}) {
      const float a = fp16_to_fp32(static_cast<fp16_t>(h | sign));
      const float b = fp16_to_fp32(static_cast<fp16_t>((h + 1) | sign));
      const float mid = static_cast<float>((static_cast<double>(a) + b) / 2);
      const uint32_t even = (h & 1) == 0 ? h : h + 1;
      ASSERT_EQ(fp32_to_fp16(mid), even | sign) << h;
      ASSERT_EQ(fp32_to_fp16(std::nextafter(mid, a)), h | sign) << h;
      ASSERT_EQ(fp32_to_fp16(std::nextafter(mid, b)), (h + 1) | sign) << h;
    }
  }
  EXPECT_EQ(fp32_to_fp16(65519.99f), 0x7BFF);
  EXPECT_EQ(fp32_to_fp16(65520.0f), 0x7C00);
  EXPECT_EQ(fp32_to_fp16(-1e10f), 0xFC00);
  EXPECT_EQ(fp32_to_fp16(1e-10f), 0x0000);
  EXPECT_EQ(fp32_to_fp16(std::ldexp(1.0f, -25)), 0x0000);  // tie to even (zero)
  EXPECT_EQ(fp32_to_fp16(std::nextafter(std::ldexp(1.0f, -25), 1.0f)), 0x0001);
}

TEST(Fp16, SimdRowConvertersEqualScalar) {
  std::vector<fp16_t> all(65536);
  for (uint32_t h = 0; h < 65536; ++h) all[h] = static_cast<fp16_t>(h);
  std::vector<float> floats(65536);
  for (uint32_t h = 0; h < 65536; ++h) floats[h] = fp16_to_fp32(all[h]);
  // Inputs for the float -> half direction: every half value, midpoints, and values off the grid.
  std::vector<float> inputs = floats;
  for (uint32_t h = 0; h + 1 < 0x7C00; ++h) {
    const double mid = (static_cast<double>(floats[h]) + floats[h + 1]) / 2;
    inputs.push_back(static_cast<float>(mid));
    inputs.push_back(-static_cast<float>(mid));
    inputs.push_back(std::nextafter(static_cast<float>(mid), 0.0f));
  }
  inputs.push_back(1e10f);
  inputs.push_back(-7e4f);
  const size_t n = inputs.size() / 8 * 8 + 3;  // leave an odd tail for the scalar remainder path
  inputs.resize(n, 0.5f);
  std::vector<fp16_t> want(n);
  for (size_t i = 0; i < n; ++i) want[i] = fp32_to_fp16(inputs[i]);

  for (Isa isa : available_isas()) {
    const TypeKernels* k = kernels_for(GgmlType::F16, isa);
    ASSERT_NE(k, nullptr);
    std::vector<float> got_f(65536);
    k->dequantize_row(all.data(), got_f.data(), 65536);
    EXPECT_EQ(std::memcmp(got_f.data(), floats.data(), 65536 * sizeof(float)), 0) << isa_name(isa);
    std::vector<fp16_t> got_h(n);
    k->quantize_row(inputs.data(), got_h.data(), static_cast<int64_t>(n));
    size_t bad = 0;
    for (size_t i = 0; i < n; ++i) bad += got_h[i] != want[i] && !(is_half_nan(got_h[i]) && is_half_nan(want[i]));
    EXPECT_EQ(bad, 0u) << isa_name(isa);
  }
}

TEST(Bf16, ExhaustiveRoundTripAndRounding) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = bf16_to_fp32(static_cast<bf16_t>(h));
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    ASSERT_EQ(bits, h << 16);
    if (std::isnan(f)) {
      EXPECT_EQ(fp32_to_bf16(f), h | 64u) << h;  // quietened, payload kept
    } else {
      ASSERT_EQ(fp32_to_bf16(f), h) << h;
    }
    // Ties to even between h and h+1 (within the same sign and below infinity).
    if ((h & 0x7FFF) < 0x7F7F) {
      const uint32_t mid_bits = (h << 16) | 0x8000u;
      float mid;
      std::memcpy(&mid, &mid_bits, 4);
      ASSERT_EQ(fp32_to_bf16(mid), (h & 1) == 0 ? h : h + 1) << h;
      const uint32_t above = mid_bits + 1, below = mid_bits - 1;
      float fa, fb;
      std::memcpy(&fa, &above, 4);
      std::memcpy(&fb, &below, 4);
      ASSERT_EQ(fp32_to_bf16(fa), h + 1) << h;
      ASSERT_EQ(fp32_to_bf16(fb), h) << h;
    }
  }
}

}  // namespace
}  // namespace ls::kernels
