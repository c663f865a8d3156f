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
// Decode kernels (x86_gemv.inc), applied after the ISA's own specialisation.
void specialise_gemv_avx2(KernelTable& table);
void specialise_gemv_avx512(KernelTable& table);
void specialise_gemv_avx512vnni(KernelTable& table);
// Register-blocked F32/F16/BF16 tiles, gemv and vec_dot (x86_float_tiles.inc).
void specialise_float_avx2(KernelTable& table);
void specialise_float_avx512(KernelTable& table);

}  // namespace ls::kernels
