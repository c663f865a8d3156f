// Float-type tiles of x86_float_tiles.inc compiled for avx512; flags in CMakeLists.txt.
#define LS_ISA_NS avx512
#include "kernels/x86_float_tiles.inc"

namespace ls::kernels {
void specialise_float_avx512(KernelTable& table) { avx512::specialise_float(table); }
}  // namespace ls::kernels
