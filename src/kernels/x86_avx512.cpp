// AVX-512 (F, BW, VL) kernels: the shared x86 source compiled with AVX-512 enabled (512-bit paths
// where the source has them, and the wider register file).
#define LS_ISA_NS avx512
#include "kernels/x86_kernels.inc"

namespace ls::kernels {
void specialise_avx512(KernelTable& table) { avx512::specialise(table); }
}  // namespace ls::kernels

// Prefill panel kernels (gemm.h), in the same translation unit to share the block unpackers.
#include "kernels/x86_gemm.inc"

namespace ls::kernels {
void specialise_gemm_avx512(GemmTable& table) { avx512::specialise_gemm(table); }
}  // namespace ls::kernels
