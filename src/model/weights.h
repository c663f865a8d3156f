// Per-layer weights resolved once at load: pointers into the mmapped file plus type and shape.
// Nothing is dequantised or copied; the forward pass reads the file's pages directly.
#pragma once

#include <cstdint>
#include <vector>

#include "gguf/gguf_file.h"
#include "model/arch.h"
#include "model/hparams.h"
#include "util/error.h"

namespace ls::model {

// A weight matrix as ggml stores it: `rows` rows of `cols` elements (ne[0] = cols), each row
// `row_bytes` long in its block format. y = W x has `rows` outputs.
struct Matrix {
  gguf::GgmlType type = gguf::GgmlType::F32;
  const uint8_t* data = nullptr;
  int64_t cols = 0;
  int64_t rows = 0;
  uint64_t row_bytes = 0;

  bool present() const { return data != nullptr; }
  const uint8_t* row(int64_t r) const { return data + static_cast<uint64_t>(r) * row_bytes; }
};

// A 1-D F32 tensor (norm weights, biases, rope factors); data == nullptr when absent.
struct Vector {
  const float* data = nullptr;
  int64_t n = 0;
  bool present() const { return data != nullptr; }
};

struct LayerWeights {
  Vector attn_norm;
  Matrix wq, wk, wv, wo;
  Vector bq, bk, bv;          // qwen2
  Vector q_norm, k_norm;      // qwen3, length head_dim
  Vector ffn_norm;
  Matrix ffn_gate, ffn_up, ffn_down;
};

struct ModelWeights {
  Matrix token_embd;
  Vector output_norm;
  Matrix output;              // token_embd itself when the file ties them
  bool tied_output = false;
  Vector rope_freqs;          // Llama 3 per-dimension frequency factors (n_rot / 2)
  std::vector<LayerWeights> layers;
  uint64_t bytes = 0;         // sum of the tensor bytes the forward pass reads
};

// Resolves and checks every tensor the architecture needs (names, shapes, supported types).
// Errors name the tensor and, for a type, list the supported ones.
Result<ModelWeights> resolve_weights(const gguf::File& file, const HParams& hp, const ArchSpec& arch);

}  // namespace ls::model
