// AVX-512 with VNNI: as x86_avx512.cpp, plus vpdpbusd for the int8 dot products.
#define LS_ISA_NS avx512vnni
#include "kernels/x86_kernels.inc"

namespace ls::kernels {
void specialise_avx512vnni(KernelTable& table) { avx512vnni::specialise(table); }
}  // namespace ls::kernels

// Prefill panel kernels (gemm.h), in the same translation unit to share the block unpackers.
#include "kernels/x86_gemm.inc"

namespace ls::kernels {
void specialise_gemm_avx512vnni(GemmTable& table) { avx512vnni::specialise_gemm(table); }
}  // namespace ls::kernels
