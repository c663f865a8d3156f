// The ggml tensor type table: every type id a GGUF file may carry, with its block size and bytes
// per block, so that inspection works on any file, including types we cannot compute with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ls::gguf {

// Values are the on-disk ids (ggml.h `enum ggml_type`). Gaps are ids ggml removed.
enum class GgmlType : uint32_t {
  F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, /* 4, 5 removed */ Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9,
  Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15,
  IQ2_XXS = 16, IQ2_XS = 17, IQ3_XXS = 18, IQ1_S = 19, IQ4_NL = 20, IQ3_S = 21, IQ2_S = 22, IQ4_XS = 23,
  I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, IQ1_M = 29, BF16 = 30,
  /* 31..33 removed (Q4_0_4_4 …) */ TQ1_0 = 34, TQ2_0 = 35, /* 36..38 removed */ MXFP4 = 39,
};

struct TypeTraits {
  GgmlType type;
  std::string_view name;   // "q4_K", as ggml prints it
  uint32_t block_size;     // elements per block
  uint32_t type_size;      // bytes per block
  bool quantized;
};

// nullopt for ids that are not (or no longer) ggml types.
std::optional<TypeTraits> type_traits(uint32_t id);
const TypeTraits& traits(GgmlType t);  // t must be valid
std::string_view type_name(GgmlType t);
// Case-insensitive lookup by name ("Q4_K", "q4_k", "f16").
std::optional<GgmlType> type_from_name(std::string_view name);

// Bytes for a row of n elements; nullopt if n is not a multiple of the block size.
std::optional<uint64_t> row_bytes(GgmlType t, int64_t n);

}  // namespace ls::gguf
