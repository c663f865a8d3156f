// Panel kernels for prefill (several tokens against the same weights): matmul unpacks a panel of
// `panel_rows` weight rows once per call into a lane-interleaved scratch layout, then runs every
// token against it with a register tile (panel_rows rows in the SIMD lanes x several tokens). The
// unpacking is paid once per weight row and call, so it vanishes against the work of 8+ tokens, and
// nothing is repacked persistently (no extra resident memory).
//
// Panel layout (x86_gemm.inc): per weight block, the quants as unsigned bytes (the type's offset
// added), 4 consecutive values of one row per 32-bit lane and the panel's rows side by side:
// byte (k / 4) * panel_rows * 4 + row * 4 + k % 4. Then the block's per-row scales as int32/float
// arrays of panel_rows. A vpdpbusd (or pmaddubsw+pmaddwd) of one such 4-value group against 4
// activation bytes broadcast to every lane advances all rows at once; no horizontal sums.
//
// Results: the K types reduce to the same exact int32 per super-block and apply the float scales in
// the scalar reference's order, so they equal the scalar vec_dot bit for bit; the 32-value block
// types equal it up to float summation order, like their dot_tile.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/kernels.h"

namespace ls::kernels {

// Unpacks rows [0, nr) of w (nr <= panel_rows; missing rows are zero) into the panel.
using PackPanelFn = void (*)(const void* w, size_t w_stride, int nr, int64_t n_in, void* panel);
// Regroups nt <= tile_tokens activation rows (the weight type's vec_dot_type, a_stride apart) into
// one token tile: per block, the tile's quants side by side and its per-block scalars (scales, sums)
// precomputed, so that the kernel addresses every token from one pointer.
using PackActsFn = void (*)(const void* a, size_t a_stride, int nt, int64_t n_in, void* tile);
// out[t * out_stride + r] = dot(row r, token t) for r < nr, t < nt, from a panel and the token
// tiles (act_tile_bytes apart, the last one possibly partial).
using RunPanelFn = void (*)(int64_t n_in, const void* panel, int nr, const void* tiles, int nt, float* out,
                            size_t out_stride);

struct GemmKernels {
  int panel_rows = 0;
  int tile_tokens = 0;
  int block_values = 0;     // weight values per block (the type's block size)
  int block_bytes = 0;      // panel bytes per block (all panel_rows rows)
  int act_block_bytes = 0;  // token-tile bytes per block (all tile_tokens tokens)
  PackPanelFn pack = nullptr;
  PackActsFn pack_acts = nullptr;
  RunPanelFn run = nullptr;

  size_t panel_bytes(int64_t n_in) const { return static_cast<size_t>(n_in / block_values) * static_cast<size_t>(block_bytes); }
  size_t act_tile_bytes(int64_t n_in) const {
    return static_cast<size_t>(n_in / block_values) * static_cast<size_t>(act_block_bytes);
  }
};

// The panel kernels of weight type t on the given ISA; nullptr when there are none (scalar, or the
// type has no panel kernel), in which case matmul uses dot_tile.
const GemmKernels* gemm_kernels_for(GgmlType t, Isa isa);

}  // namespace ls::kernels
