// A loaded BERT-family encoder (arch `bert`: BGE, MiniLM, bge-reranker): post-LayerNorm layers,
// absolute position and token-type embeddings, bidirectional attention, GELU FFN, and optionally
// the classification head rerankers carry (`cls`, `cls.output`). Kept apart from the decoder
// (model.h): the two share the kernels and the element-wise ops, not the layer structure.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "model/pooling.h"
#include "model/weights.h"
#include "util/error.h"

namespace ls::model {

struct EncoderHParams {
  std::string arch;     // "bert"
  int n_layer = 0;
  int n_embd = 0;
  int n_ff = 0;
  int n_head = 0;
  int n_ctx_train = 0;  // rows of position_embd: the longest sequence
  int n_vocab = 0;
  int n_token_types = 0;
  int n_cls_out = 0;    // outputs of the classification head (0: none)
  float norm_eps = 1e-12f;
  bool causal = false;
  Pooling pooling = Pooling::kCls;
  int head_dim() const { return n_embd / n_head; }
};

struct EncoderLayer {
  Matrix wq, wk, wv, wo;
  Vector bq, bk, bv, bo;
  Vector attn_norm_w, attn_norm_b;  // attn_output_norm
  Matrix ffn_up, ffn_down;
  Vector ffn_up_b, ffn_down_b;
  Vector out_norm_w, out_norm_b;    // layer_output_norm
};

struct EncoderWeights {
  Matrix token_embd, token_types, position_embd;
  Vector embd_norm_w, embd_norm_b;
  std::vector<EncoderLayer> layers;
  Matrix cls, cls_out;  // classification head (rerankers); absent otherwise
  Vector cls_b, cls_out_b;
  uint64_t bytes = 0;
};

class EncoderModel {
 public:
  // Checks the architecture, keys, tensor names, shapes and types; touches no weight data.
  static Result<std::shared_ptr<const EncoderModel>> load(const std::string& path);
  static Result<std::shared_ptr<const EncoderModel>> from_file(gguf::File file);
  // Architectures this class runs ("bert").
  static bool handles(std::string_view arch);

  const gguf::File& file() const { return file_; }
  const EncoderHParams& hparams() const { return hp_; }
  const EncoderWeights& weights() const { return w_; }

 private:
  explicit EncoderModel(gguf::File f) : file_(std::move(f)) {}
  gguf::File file_;
  EncoderHParams hp_;
  EncoderWeights w_;
};

}  // namespace ls::model
