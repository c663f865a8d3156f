// The forward pass of a BERT-family encoder over many sequences at once: the sequences are packed
// row after row, so every matmul runs over all their tokens together, while attention keeps each
// sequence to itself (bidirectional within a sequence, nothing across). Numerics follow llama.cpp's
// CPU graph for `bert` (LayerNorm sums in double, ggml's F16-table tanh-GELU, activations quantised
// for quantised weights by the shared matmul kernels); attention is exact F32 softmax.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "model/encoder_model.h"
#include "model/linear.h"
#include "util/error.h"
#include "util/thread_pool.h"

namespace ls::model {

class Encoder {
 public:
  // pool: shared threads (outlive the encoder) or null for the calling thread only.
  Encoder(std::shared_ptr<const EncoderModel> m, ThreadPool* pool);

  const EncoderModel& model() const { return *model_; }

  // Last-layer hidden states of every token of every sequence, packed ([sum len][n_embd]), valid
  // until the next call. Each sequence must be 1..n_ctx_train tokens of valid ids.
  Result<std::span<const float>> forward(std::span<const std::vector<int32_t>> seqs);

  // One pooled vector per sequence ([n_seq][n_embd]), or with Pooling::kRank the classification
  // head's outputs ([n_seq][n_cls_out]); raw (not normalised).
  Result<std::vector<std::vector<float>>> pooled(std::span<const std::vector<int32_t>> seqs, Pooling p);

 private:
  void embed_inputs(std::span<const std::vector<int32_t>> seqs);
  void layer(const EncoderLayer& L, std::span<const std::vector<int32_t>> seqs);
  void attention(std::span<const std::vector<int32_t>> seqs);
  std::vector<std::vector<float>> rank_head(std::span<const std::vector<int32_t>> seqs);

  std::shared_ptr<const EncoderModel> model_;
  int64_t n_rows_ = 0;
  std::vector<int64_t> starts_;  // first packed row of each sequence
  std::vector<float> x_, q_, k_, v_, attn_, tmp_, ff_;
  std::vector<float> scores_;    // per thread: one row of attention scores
  LinearContext lin_;
};

// ggml's CPU GELU: tanh approximation evaluated on the F16-rounded input, result rounded to F16
// (its lookup table), identity above 10 and zero below -10.
float gelu_ggml(float x);

// ggml_norm then weight and bias: y = (x - mean) / sqrt(var + eps) * w + b, sums in double.
void layer_norm(const float* x, const float* w, const float* b, int64_t n, float eps, float* y);

}  // namespace ls::model
