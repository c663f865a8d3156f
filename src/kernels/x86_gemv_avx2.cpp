// Decode (gemv) kernels of x86_gemv.inc compiled for avx2; flags in CMakeLists.txt.
#define LS_ISA_NS avx2
#include "kernels/x86_gemv.inc"

namespace ls::kernels {
void specialise_gemv_avx2(KernelTable& table) { avx2::specialise_gemv(table); }
}  // namespace ls::kernels
