// Decode (gemv) kernels of x86_gemv.inc compiled for avx512; flags in CMakeLists.txt.
#define LS_ISA_NS avx512
#include "kernels/x86_gemv.inc"

namespace ls::kernels {
void specialise_gemv_avx512(KernelTable& table) { avx512::specialise_gemv(table); }
}  // namespace ls::kernels
