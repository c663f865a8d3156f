#include "kernels/matmul.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "kernels/gemm.h"
#include "kernels/ggml_order.h"

namespace ls::kernels {
namespace {

// Output rows per task: 16 floats = one 64-byte line of y per token, so no two threads write to the
// same cache line when y rows are 64-byte aligned.
constexpr int64_t kRowAlign = 16;
// Tokens per tile: a weight row loaded into L1 is reused for this many activation rows.
constexpr int kTokenTile = 4;
// From this many tokens on, types with panel kernels (gemm.h) unpack each panel of weight rows once
// and run every token against it; below it the unpacking would cost more than it saves.
constexpr int64_t kPanelMinTokens = 4;

// The calling thread's panel buffer (grow-only: allocated once per thread and size).
void* panel_buffer(size_t bytes) {
  thread_local MatmulScratch buf;
  return buf.reserve(bytes);
}

std::string type_label(GgmlType t) { return std::to_string(static_cast<uint32_t>(t)); }

}  // namespace

void MatmulScratch::Free::operator()(void* p) const { std::free(p); }

void* MatmulScratch::reserve(size_t bytes) {
  if (bytes > capacity_) {
    const size_t rounded = (bytes + 63) / 64 * 64;
    buf_.reset(std::aligned_alloc(64, rounded));
    capacity_ = buf_ ? rounded : 0;
  }
  return buf_.get();
}

Status matmul(const WeightMatrix& w, const float* x, int64_t n_tokens, float* y, MatmulScratch& scratch,
              ThreadPool* pool, const MatmulOptions& options) {
  const TypeKernels* k = kernels_for(w.type, options.isa);
  if (k == nullptr || k->vec_dot == nullptr) {
    return Error::unsupported("matmul: no kernels for weight type id " + type_label(w.type) + " on " +
                              std::string(isa_name(options.isa)));
  }
  // Prefill goes through the panel kernels or dot_tile, which may read a different activation
  // format than vec_dot (the panel kernels read vec_dot's). The panel kernels give every token the
  // same bits as vec_dot (tests/kernels/gemm_test.cpp), so per_token may use them too.
  const GgmlOrderDot* ggml = options.ggml_order ? ggml_order_dot(w.type) : nullptr;
  const GemmKernels* panels = n_tokens >= kPanelMinTokens && ggml == nullptr ? gemm_kernels_for(w.type, options.isa) : nullptr;
  const bool tiled = panels == nullptr && ggml == nullptr && n_tokens > 1 && k->dot_tile != nullptr && !options.per_token;
  // ggml's GEMM order for the tokens of full groups of 4 (its repacked types), its GEMV order after.
  const int64_t grouped_end = ggml != nullptr && !options.per_token ? n_tokens - n_tokens % 4 : 0;
  const GgmlType act_type = tiled ? k->tile_act_type : k->vec_dot_type;
  const TypeKernels* act = kernels_for(act_type, options.isa);
  if (act == nullptr) return Error::internal("matmul: no activation kernels for type id " + type_label(act_type));
  const QuantizeRowFn to_act = tiled && k->tile_from_float != nullptr ? k->tile_from_float : act->from_float;
  if (w.n_in <= 0 || w.n_out <= 0 || n_tokens < 0) return Error::invalid("matmul: empty or negative shape");
  if (w.n_in % k->block_size != 0 || w.n_in % act->block_size != 0) {
    return Error::invalid("matmul: row length " + std::to_string(w.n_in) + " is not a multiple of the block size " +
                          std::to_string(std::max(k->block_size, act->block_size)));
  }
  if (w.data == nullptr || x == nullptr || y == nullptr) return Error::invalid("matmul: null pointer");
  if (n_tokens == 0) return {};

  const size_t x_stride = options.x_stride != 0 ? options.x_stride : static_cast<size_t>(w.n_in);
  const size_t y_stride = options.y_stride != 0 ? options.y_stride : static_cast<size_t>(w.n_out);
  const size_t w_stride = w.row_stride != 0 ? w.row_stride : row_size(w.type, w.n_in);
  const int n_threads = pool != nullptr ? pool->size() : 1;

  // 1. Activations into the format the kernels read (F32 weights read x directly). The panel
  // kernels then read them regrouped into token tiles, stored after the rows.
  const void* a = x;
  size_t a_stride = x_stride * sizeof(float);
  const uint8_t* tiles = nullptr;
  if (act_type != GgmlType::F32 || to_act != act->from_float) {
    a_stride = (row_size(act_type, w.n_in) + 63) / 64 * 64;
    const size_t rows_bytes = a_stride * static_cast<size_t>(n_tokens);
    const int tile_tokens = panels != nullptr ? panels->tile_tokens : 1;
    const int n_tiles = static_cast<int>((n_tokens + tile_tokens - 1) / tile_tokens);
    const size_t tile_bytes = panels != nullptr ? panels->act_tile_bytes(w.n_in) : 0;
    void* buf = scratch.reserve(rows_bytes + tile_bytes * static_cast<size_t>(n_tiles));
    if (buf == nullptr) return Error::limit("matmul: cannot allocate activation scratch");
    auto* out = static_cast<uint8_t*>(buf);
    if (panels != nullptr) tiles = out + rows_bytes;
    auto quantize = [&](int tile, int) {
      const int t0 = tile * tile_tokens;
      const int nt = static_cast<int>(std::min<int64_t>(tile_tokens, n_tokens - t0));
      for (int t = t0; t < t0 + nt; ++t) {
        to_act(x + static_cast<size_t>(t) * x_stride, out + static_cast<size_t>(t) * a_stride, w.n_in);
      }
      if (panels != nullptr) {
        panels->pack_acts(out + static_cast<size_t>(t0) * a_stride, a_stride, nt, w.n_in, out + rows_bytes + tile * tile_bytes);
      }
    };
    if (pool != nullptr && n_tiles > 1) {
      pool->parallel_for(n_tiles, quantize);
    } else {
      for (int tile = 0; tile < n_tiles; ++tile) quantize(tile, 0);
    }
    a = buf;
  }

  // 2. Row chunks over the pool; within a chunk, tiles of rows x kTokenTile tokens.
  // Several chunks per thread: dynamic hand-out evens out a thread that was descheduled.
  const int64_t row_chunks_wanted = static_cast<int64_t>(n_threads) * 4;
  int64_t chunk = (w.n_out + row_chunks_wanted - 1) / row_chunks_wanted;
  chunk = std::max<int64_t>(kRowAlign, (chunk + kRowAlign - 1) / kRowAlign * kRowAlign);
  if (n_tokens > 1) chunk = std::min<int64_t>(chunk, 64);  // keep a chunk's weights cache-resident
  const int64_t n_chunks = (w.n_out + chunk - 1) / chunk;

  const auto* wbytes = static_cast<const uint8_t*>(w.data);
  const auto* abytes = static_cast<const uint8_t*>(a);
  void* const caller_panel = panels != nullptr ? panel_buffer(panels->panel_bytes(w.n_in)) : nullptr;
  if (panels != nullptr && caller_panel == nullptr) return Error::limit("matmul: cannot allocate the weight panel");
  auto run_chunk = [&](int c, int thread) {
    const int64_t r0 = c * chunk;
    const int nr = static_cast<int>(std::min(chunk, w.n_out - r0));
    void* panel = panels == nullptr ? nullptr : thread == 0 ? caller_panel : panel_buffer(panels->panel_bytes(w.n_in));
    if (panel != nullptr) {
      for (int p0 = 0; p0 < nr; p0 += panels->panel_rows) {
        const int np = std::min(panels->panel_rows, nr - p0);
        panels->pack(wbytes + static_cast<size_t>(r0 + p0) * w_stride, w_stride, np, w.n_in, panel);
        panels->run(w.n_in, panel, np, tiles, static_cast<int>(n_tokens), y + r0 + p0, y_stride);
      }
      return;
    }
    for (int64_t t0 = 0; t0 < n_tokens; t0 += kTokenTile) {
      const int nt = static_cast<int>(std::min<int64_t>(kTokenTile, n_tokens - t0));
      const uint8_t* wr = wbytes + static_cast<size_t>(r0) * w_stride;
      const uint8_t* at = abytes + static_cast<size_t>(t0) * a_stride;
      float* out = y + static_cast<size_t>(t0) * y_stride + r0;
      if (tiled) {
        k->dot_tile(w.n_in, wr, w_stride, nr, at, a_stride, nt, out, y_stride);
        continue;
      }
      if (ggml != nullptr) {
        for (int t = 0; t < nt; ++t) {
          const VecDotFn dot = t0 + t < grouped_end && ggml->grouped != nullptr ? ggml->grouped : ggml->single;
          for (int r = 0; r < nr; ++r) out[t * y_stride + r] = dot(w.n_in, wr + r * w_stride, at + t * a_stride);
        }
        continue;
      }
      if (k->gemv != nullptr) {  // decode, or per_token: gemv equals vec_dot bit for bit
        for (int t = 0; t < nt; ++t) k->gemv(w.n_in, wr, w_stride, nr, at + t * a_stride, out + t * y_stride);
        continue;
      }
      for (int r = 0; r < nr; ++r) {
        for (int t = 0; t < nt; ++t) out[t * y_stride + r] = k->vec_dot(w.n_in, wr + r * w_stride, at + t * a_stride);
      }
    }
  };
  if (pool != nullptr && n_chunks > 1) {
    pool->parallel_for(static_cast<int>(n_chunks), run_chunk);
  } else {
    for (int c = 0; c < n_chunks; ++c) run_chunk(c, 0);
  }
  return {};
}

}  // namespace ls::kernels
