// Decode (gemv) kernels of x86_gemv.inc compiled for avx512vnni; flags in CMakeLists.txt.
#define LS_ISA_NS avx512vnni
#include "kernels/x86_gemv.inc"

namespace ls::kernels {
void specialise_gemv_avx512vnni(KernelTable& table) { avx512vnni::specialise_gemv(table); }
}  // namespace ls::kernels
