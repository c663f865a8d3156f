// Activation buffers of one context, sized once for its largest batch, so that evaluating tokens
// never allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/attention.h"
#include "model/hparams.h"
#include "model/linear.h"

namespace ls::model {

struct Scratch {
  int n_batch = 0;
  std::vector<float> x;       // residual stream [n_batch][n_embd]
  std::vector<float> xn;      // normalised input of a block [n_batch][n_embd]
  std::vector<float> q;       // [n_batch][n_head * head_dim_k]
  std::vector<float> k;       // [n_batch][n_head_kv * head_dim_k]
  std::vector<float> v;       // [n_batch][n_head_kv * head_dim_v]
  std::vector<float> attn;    // [n_batch][n_head * head_dim_v]
  std::vector<float> gate;    // [n_batch][n_ff]
  std::vector<float> up;      // [n_batch][n_ff]
  std::vector<float> rope;    // [n_batch][n_rot]
  std::vector<float> attn_work;  // attention_scratch_floats per thread
  int64_t attn_work_per_thread = 0;
  LinearContext lin;             // activations converted for the matmul kernels + thread pool
  // The current step's rows (decoder.cpp: decode_step): which segment and position each row is,
  // and the row ranges that share one matmul call.
  struct RowSeq {
    int32_t seg;
    int64_t pos;
  };
  struct RowGroup {
    int64_t row0;
    int64_t n;
    bool per_token;
  };
  std::vector<RowSeq> rows;
  std::vector<RowGroup> groups;

  static size_t bytes_for(const HParams& hp, int n_batch, int n_ctx, int n_threads);
  void allocate(const HParams& hp, int n_batch, int n_ctx, ThreadPool* pool);
  int n_threads() const { return lin.pool != nullptr ? lin.pool->size() : 1; }
};

AttentionDims attention_dims(const HParams& hp);

}  // namespace ls::model
