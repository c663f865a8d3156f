#include <array>

#include "kernels/gemm_tables.h"

namespace ls::kernels {
namespace {

struct GemmTables {
  std::array<GemmTable, kIsaCount> by_isa{};

  GemmTables() {
#if defined(LOCALSEEK_KERNELS_X86)
    // Like the type tables: each ISA starts from the one below and overrides what it speeds up.
    for (int i = 1; i < kIsaCount; ++i) {
      const Isa isa = static_cast<Isa>(i);
      if (!isa_available(isa)) break;
      by_isa[i] = by_isa[i - 1];
      if (isa == Isa::kAvx2) specialise_gemm_avx2(by_isa[i]);
      if (isa == Isa::kAvx512) specialise_gemm_avx512(by_isa[i]);
      if (isa == Isa::kAvx512Vnni) specialise_gemm_avx512vnni(by_isa[i]);
    }
#endif
  }
};

}  // namespace

const GemmKernels* gemm_kernels_for(GgmlType t, Isa isa) {
  static const GemmTables tables;
  const auto id = static_cast<uint32_t>(t);
  const auto i = static_cast<int>(isa);
  if (id >= kTypeSlots || i < 0 || i >= kIsaCount || !isa_available(isa)) return nullptr;
  const GemmKernels& g = tables.by_isa[i][id];
  return g.run == nullptr ? nullptr : &g;
}

}  // namespace ls::kernels
