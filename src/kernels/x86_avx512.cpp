// AVX-512 (F, BW, VL, VNNI) kernels: the shared x86 source compiled with AVX-512 enabled, so int8
// dot products use vpdpbusd and the compiler may use the wider register file.
#define LS_ISA_NS avx512
#include "kernels/x86_kernels.inc"

namespace ls::kernels {
void specialise_avx512(KernelTable& table) { avx512::specialise(table); }
}  // namespace ls::kernels
