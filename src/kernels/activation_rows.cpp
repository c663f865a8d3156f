#include "kernels/activation_rows.h"

#include <array>
#include <cmath>

#include "kernels/activation_rows_isa.h"

namespace ls::kernels {

using namespace detail;

// e^x = 2^n * p(b), n = round(x * log2 e), b = x - n ln 2 (in two parts), every step one rounding
// (FMA where ggml uses one).
float expf_ggml(float x) {
  const float n = std::fma(x, kLog2e, kExpShift) - kExpShift;
  const float b = std::fma(-n, kLn2Lo, std::fma(-n, kLn2Hi, x));
  const float u = b * b;
  const float j = std::fma(std::fma(std::fma(kC5, b, kC4), u, std::fma(kC3, b, kC2)), u, std::fma(kC1, b, 1.0f));
  if (std::fabs(n) > kExpLimit) return n <= 0.0f ? 0.0f : HUGE_VALF;
  // j * 2^n rounded once (as vscalefps): 2^h is exact and keeps j * 2^h normal, the second
  // multiplication rounds (also into the subnormal range).
  const int ni = static_cast<int>(n);
  const int h = ni / 2;
  return (j * std::ldexp(1.0f, h)) * std::ldexp(1.0f, ni - h);
}

namespace {

void swiglu(int64_t n, const float* gate, const float* up, float* out) {
  for (int64_t i = 0; i < n; ++i) {
    const float g = gate[i];
    out[i] = g / (1.0f + expf_ggml(0.0f - g)) * up[i];
  }
}

struct Tables {
  std::array<ActivationRowKernels, kIsaCount> by_isa{};
  Tables() {
    by_isa[0] = {swiglu};
    for (int i = 1; i < kIsaCount; ++i) {
      by_isa[i] = by_isa[i - 1];
#if defined(LOCALSEEK_KERNELS_X86)
      // One AVX2+FMA variant serves every x86 ISA: the rows are short and memory bound.
      if (static_cast<Isa>(i) == Isa::kAvx2) specialise_activation_rows_avx2(by_isa[i]);
#endif
    }
  }
};

}  // namespace

const ActivationRowKernels* activation_rows_for(Isa isa) {
  static const Tables t;
  if (!isa_available(isa)) return nullptr;
  return &t.by_isa[static_cast<int>(isa)];
}

const ActivationRowKernels& activation_rows() { return *activation_rows_for(active_isa()); }

}  // namespace ls::kernels
