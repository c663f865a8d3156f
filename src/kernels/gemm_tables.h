// Internal: how the SIMD translation units plug their panel kernels (gemm.h) into the table.
#pragma once

#include <array>

#include "kernels/gemm.h"
#include "kernels/isa_tables.h"

namespace ls::kernels {

using GemmTable = std::array<GemmKernels, kTypeSlots>;

void specialise_gemm_avx2(GemmTable& table);
void specialise_gemm_avx512(GemmTable& table);
void specialise_gemm_avx512vnni(GemmTable& table);

}  // namespace ls::kernels
