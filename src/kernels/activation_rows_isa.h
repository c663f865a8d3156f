// Internal: the SIMD variants of the activation row kernels.
#pragma once

#include "kernels/activation_rows.h"

namespace ls::kernels {

void specialise_activation_rows_avx2(ActivationRowKernels& k);

}  // namespace ls::kernels
