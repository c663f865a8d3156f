#include "model/weights.h"

#include <string>

#include "model/linear.h"

namespace ls::model {
namespace {

using gguf::GgmlType;

std::string shape_str(const std::vector<int64_t>& ne) {
  std::string s = "[";
  for (size_t i = 0; i < ne.size(); ++i) s += (i ? ", " : "") + std::to_string(ne[i]);
  return s + "]";
}

class Resolver {
 public:
  Resolver(const gguf::File& f, ModelWeights& w) : f_(f), w_(w) {}

  // A matrix of ne = [cols, rows]; absent + optional → empty view.
  Result<Matrix> matrix(const std::string& name, int64_t cols, int64_t rows, bool required = true) {
    const gguf::TensorInfo* t = f_.find_tensor(name);
    if (t == nullptr) {
      if (required) return Error::invalid(f_.path() + ": tensor '" + name + "' is missing");
      return Matrix{};
    }
    if (t->ne.size() < 1 || t->ne.size() > 2 || t->ne[0] != cols || (t->ne.size() == 2 ? t->ne[1] : 1) != rows) {
      return Error::invalid(f_.path() + ": tensor '" + name + "' has shape " + shape_str(t->ne) +
                            ", expected [" + std::to_string(cols) + ", " + std::to_string(rows) + "]");
    }
    if (!linear_supports(t->type)) {
      return Error::unsupported(f_.path() + ": tensor '" + name + "' has type " +
                                std::string(gguf::type_name(t->type)) +
                                ", which is not supported; supported: " + linear_supported_types());
    }
    Matrix m;
    m.type = t->type;
    m.data = t->data;
    m.cols = cols;
    m.rows = rows;
    m.row_bytes = t->nbytes / static_cast<uint64_t>(rows);
    w_.bytes += t->nbytes;
    return m;
  }

  Result<Vector> vector(const std::string& name, int64_t n, bool required = true) {
    const gguf::TensorInfo* t = f_.find_tensor(name);
    if (t == nullptr) {
      if (required) return Error::invalid(f_.path() + ": tensor '" + name + "' is missing");
      return Vector{};
    }
    if (t->type != GgmlType::F32 || t->nelements() != n) {
      return Error::invalid(f_.path() + ": tensor '" + name + "' is " +
                            std::string(gguf::type_name(t->type)) + " " + shape_str(t->ne) +
                            ", expected F32 of " + std::to_string(n) + " elements");
    }
    if (reinterpret_cast<uintptr_t>(t->data) % alignof(float) != 0) {
      return Error::invalid(f_.path() + ": tensor '" + name + "' data is not 4-byte aligned");
    }
    w_.bytes += t->nbytes;
    return Vector{reinterpret_cast<const float*>(t->data), n};
  }

 private:
  const gguf::File& f_;
  ModelWeights& w_;
};

Result<LayerWeights> resolve_layer(Resolver& r, const HParams& hp, const ArchSpec& arch, int il) {
  const std::string p = "blk." + std::to_string(il) + ".";
  LayerWeights l;
  const int64_t e = hp.n_embd, q = hp.q_dim(), kk = hp.kv_dim_k(), kv = hp.kv_dim_v();
  LS_ASSIGN_OR_RETURN(l.attn_norm, r.vector(p + "attn_norm.weight", e));
  LS_ASSIGN_OR_RETURN(l.wq, r.matrix(p + "attn_q.weight", e, q));
  LS_ASSIGN_OR_RETURN(l.wk, r.matrix(p + "attn_k.weight", e, kk));
  LS_ASSIGN_OR_RETURN(l.wv, r.matrix(p + "attn_v.weight", e, kv));
  LS_ASSIGN_OR_RETURN(l.wo, r.matrix(p + "attn_output.weight", hp.n_head * hp.head_dim_v, e));
  if (arch.qkv_bias != Need::kNone) {
    const bool req = arch.qkv_bias == Need::kRequired;
    LS_ASSIGN_OR_RETURN(l.bq, r.vector(p + "attn_q.bias", q, req));
    LS_ASSIGN_OR_RETURN(l.bk, r.vector(p + "attn_k.bias", kk, req));
    LS_ASSIGN_OR_RETURN(l.bv, r.vector(p + "attn_v.bias", kv, req));
  }
  if (arch.qk_norm != Need::kNone) {
    const bool req = arch.qk_norm == Need::kRequired;
    LS_ASSIGN_OR_RETURN(l.q_norm, r.vector(p + "attn_q_norm.weight", hp.head_dim_k, req));
    LS_ASSIGN_OR_RETURN(l.k_norm, r.vector(p + "attn_k_norm.weight", hp.head_dim_k, req));
  }
  LS_ASSIGN_OR_RETURN(l.ffn_norm, r.vector(p + "ffn_norm.weight", e));
  LS_ASSIGN_OR_RETURN(l.ffn_gate, r.matrix(p + "ffn_gate.weight", e, hp.n_ff));
  LS_ASSIGN_OR_RETURN(l.ffn_up, r.matrix(p + "ffn_up.weight", e, hp.n_ff));
  LS_ASSIGN_OR_RETURN(l.ffn_down, r.matrix(p + "ffn_down.weight", hp.n_ff, e));
  return l;
}

}  // namespace

Result<ModelWeights> resolve_weights(const gguf::File& f, const HParams& hp, const ArchSpec& arch) {
  ModelWeights w;
  Resolver r(f, w);
  LS_ASSIGN_OR_RETURN(w.token_embd, r.matrix("token_embd.weight", hp.n_embd, hp.n_vocab));
  LS_ASSIGN_OR_RETURN(w.output_norm, r.vector("output_norm.weight", hp.n_embd));
  LS_ASSIGN_OR_RETURN(w.output, r.matrix("output.weight", hp.n_embd, hp.n_vocab, /*required=*/false));
  if (!w.output.present()) {
    w.output = w.token_embd;
    w.tied_output = true;
  }
  if (arch.rope_freqs != Need::kNone) {
    LS_ASSIGN_OR_RETURN(w.rope_freqs, r.vector("rope_freqs.weight", hp.n_rot / 2,
                                               arch.rope_freqs == Need::kRequired));
  }
  w.layers.reserve(static_cast<size_t>(hp.n_layer));
  for (int il = 0; il < hp.n_layer; ++il) {
    LS_ASSIGN_OR_RETURN(LayerWeights l, resolve_layer(r, hp, arch, il));
    w.layers.push_back(l);
  }
  return w;
}

}  // namespace ls::model
