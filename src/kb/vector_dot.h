// Dot products of embedding vectors in the three stored encodings (kb/vector_codec.h), with a
// scalar reference for each and an AVX2 variant chosen once at first use when the CPU has
// AVX2+FMA+F16C (as kernels/kernels.h does for the model's kernels). Both sides of a product are
// in the same encoding: queries are encoded like the stored vectors before searching.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ls::kb {

struct VectorDotKernels {
  float (*dot_f32)(const float* a, const float* b, size_t n);
  float (*dot_f16)(const uint16_t* a, const uint16_t* b, size_t n);  // raw IEEE half bits
  int32_t (*dot_i8)(const int8_t* a, const int8_t* b, size_t n);     // exact integer sum
  const char* isa;
};

// Scalar twins (the reference the SIMD variants are tested against).
const VectorDotKernels& scalar_vector_dot();
// The AVX2 table, or nullptr when the build or the CPU lacks it.
const VectorDotKernels* avx2_vector_dot();
// The best table for this CPU (chosen once).
const VectorDotKernels& vector_dot();

}  // namespace ls::kb
