// The kernel table: for every tensor type we compute with, its block geometry and the row kernels
// (dequantise, quantise, dot product against an activation row in the type's "vec_dot type").
// One scalar reference table plus SIMD tables (AVX2, AVX-512) that override entries. The engine
// runs on the active ISA: the best the CPU supports, unless LOCALSEEK_ISA or set_active_isa()
// forces a lower one (to compare results across ISAs, or to match another engine's code path).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "gguf/ggml_types.h"
#include "util/error.h"

namespace ls::kernels {

using gguf::GgmlType;

// Each ISA builds on the one before it: AVX2 = AVX2+FMA+F16C; AVX-512 = AVX-512 F/BW/VL on top;
// AVX-512 VNNI adds vpdpbusd for the int8 dot products.
enum class Isa : uint8_t { kScalar = 0, kAvx2 = 1, kAvx512 = 2, kAvx512Vnni = 3 };
inline constexpr int kIsaCount = 4;
std::string_view isa_name(Isa isa);

// Converts n values (a multiple of the block size) of a row.
using DequantizeRowFn = void (*)(const void* src, float* dst, int64_t n);
using QuantizeRowFn = void (*)(const float* src, void* dst, int64_t n);
// Dot product of a weight row (this type) with an activation row (vec_dot_type), n values.
using VecDotFn = float (*)(int64_t n, const void* w, const void* a);
// A tile of dot products: out[t * out_stride + r] = dot(w + r * w_stride, a + t * a_stride) for
// r < nr, t < nt. Lets SIMD variants reuse each loaded weight block for several tokens.
using DotTileFn = void (*)(int64_t n, const void* w, size_t w_stride, int nr, const void* a,
                           size_t a_stride, int nt, float* out, size_t out_stride);
// Decode: out[r] = vec_dot(w + r * w_stride, a) for r < nr, one activation row (vec_dot_type).
// Equal to vec_dot bit for bit; lets SIMD variants stream several weight rows at once.
using GemvFn = void (*)(int64_t n, const void* w, size_t w_stride, int nr, const void* a, float* out);

struct TypeKernels {
  GgmlType type = GgmlType::F32;
  int block_size = 0;   // values per block
  int block_bytes = 0;  // bytes per block
  DequantizeRowFn dequantize_row = nullptr;
  // Reference quantiser: ggml's `quantize_row_*_ref` (no importance matrix), so that the bytes of a
  // quantised file equal llama.cpp's. Deterministic on every ISA.
  QuantizeRowFn quantize_row = nullptr;
  // Quantiser used for activations of this type during inference (ggml-cpu's `from_float`). For
  // Q8_0/Q8_1 this is what ggml does on x86 (scale 127/amax, round half to even), which differs in
  // the last bit from the reference quantiser; for the other types it is the reference itself.
  QuantizeRowFn from_float = nullptr;
  GgmlType vec_dot_type = GgmlType::F32;
  VecDotFn vec_dot = nullptr;   // nullptr for activation-only types (Q8_1, Q8_K)
  DotTileFn dot_tile = nullptr;  // nullptr: callers loop over vec_dot
  // The activation format dot_tile reads. Usually vec_dot_type; a SIMD table may pick a wider format
  // holding the same values (F16 weights: activations rounded to F16 but stored as F32, so the tile
  // does not convert each activation row again for every weight row). tile_from_float, when set,
  // produces it; otherwise the from_float of tile_act_type does.
  GgmlType tile_act_type = GgmlType::F32;
  QuantizeRowFn tile_from_float = nullptr;
  GemvFn gemv = nullptr;  // nullptr: callers loop over vec_dot (the scalar reference does)
};

// Kernels of type t on the given ISA (nullptr: the type has no kernels, or the ISA is not available
// on this CPU/build). Entries an ISA does not specialise fall back to the next lower ISA.
const TypeKernels* kernels_for(GgmlType t, Isa isa);
// Kernels on the active ISA.
const TypeKernels* kernels(GgmlType t);
// The best ISA this CPU and build support.
Isa best_isa();
// The ISA the engine uses: set_active_isa()'s choice, else the environment variable LOCALSEEK_ISA
// (read once), else best_isa(). An unusable LOCALSEEK_ISA falls back to best_isa() with a warning
// on stderr; front ends call apply_isa_env() first to turn it into an error instead.
Isa active_isa();
// "scalar", "avx2", "avx512", "avx512vnni" (case-insensitive).
Result<Isa> parse_isa(std::string_view name);
// Forces the ISA for the whole process. Call before the first model is loaded: components look
// their kernels up once. Error (naming the ISAs available) when this CPU or build lacks it.
Status set_active_isa(Isa isa);
Status set_active_isa(std::string_view name);
// Validates and applies LOCALSEEK_ISA when it is set (no-op when unset or empty).
Status apply_isa_env();
inline constexpr const char* kIsaEnvVar = "LOCALSEEK_ISA";
bool isa_available(Isa isa);
std::vector<Isa> available_isas();
// The types with kernels (weights and activations), in type-id order.
std::vector<GgmlType> supported_types();

// Bytes of a row of n values of type t (n a multiple of the block size).
size_t row_size(GgmlType t, int64_t n);

}  // namespace ls::kernels
