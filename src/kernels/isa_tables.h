// Internal: how the SIMD translation units plug their kernels into the table. Each ISA's file is
// compiled with its own -m flags and only runs when cpu_features() says the CPU has that ISA.
#pragma once

#include "kernels/kernels.h"

namespace ls::kernels {

inline constexpr int kTypeSlots = 40;  // ggml type ids 0..39
using KernelTable = TypeKernels[kTypeSlots];

// Override the entries this ISA speeds up; the table arrives filled with the next lower ISA.
void specialise_avx2(KernelTable& table);
void specialise_avx512(KernelTable& table);
void specialise_avx512vnni(KernelTable& table);

}  // namespace ls::kernels
