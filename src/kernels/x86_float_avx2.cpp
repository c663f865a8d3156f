// Float-type tiles of x86_float_tiles.inc compiled for avx2; flags in CMakeLists.txt.
#define LS_ISA_NS avx2
#include "kernels/x86_float_tiles.inc"

namespace ls::kernels {
void specialise_float_avx2(KernelTable& table) { avx2::specialise_float(table); }
}  // namespace ls::kernels
