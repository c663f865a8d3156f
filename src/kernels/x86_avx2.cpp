// AVX2 + FMA + F16C kernels (compiled with those -m flags only; see CMakeLists.txt).
#define LS_ISA_NS avx2
#include "kernels/x86_kernels.inc"

namespace ls::kernels {
void specialise_avx2(KernelTable& table) { avx2::specialise(table); }
}  // namespace ls::kernels

// Prefill panel kernels (gemm.h), in the same translation unit to share the block unpackers.
#include "kernels/x86_gemm.inc"

namespace ls::kernels {
void specialise_gemm_avx2(GemmTable& table) { avx2::specialise_gemm(table); }
}  // namespace ls::kernels
