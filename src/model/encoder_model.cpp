#include "model/encoder_model.h"

#include "model/linear.h"

namespace ls::model {
namespace {

constexpr int64_t kMaxLayers = 1024;
constexpr int64_t kMaxDim = 1 << 18;
constexpr int64_t kMaxCtx = 1 << 20;

std::string shape_str(const std::vector<int64_t>& ne) {
  std::string s = "[";
  for (size_t i = 0; i < ne.size(); ++i) s += (i ? ", " : "") + std::to_string(ne[i]);
  return s + "]";
}

Result<int> dim_key(const gguf::File& f, const std::string& key, int64_t lo, int64_t hi) {
  LS_ASSIGN_OR_RETURN(int64_t v, f.get_int(key));
  if (v < lo || v > hi) {
    return Error::invalid(f.path() + ": metadata key '" + key + "' = " + std::to_string(v) + " is outside [" +
                          std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return static_cast<int>(v);
}

// Tensor lookup with the checks the forward pass relies on (shape, a type the kernels run, F32
// vectors); counts the bytes it hands out.
class Tensors {
 public:
  Tensors(const gguf::File& f, uint64_t& bytes) : f_(f), bytes_(bytes) {}

  Result<Matrix> matrix(const std::string& name, int64_t cols, int64_t rows, bool required = true) {
    const gguf::TensorInfo* t = f_.find_tensor(name);
    if (t == nullptr) {
      if (required) return Error::invalid(f_.path() + ": tensor '" + name + "' is missing");
      return Matrix{};
    }
    const int64_t r = t->ne.size() == 2 ? t->ne[1] : 1;
    if (t->ne.empty() || t->ne.size() > 2 || t->ne[0] != cols || r != rows) {
      return Error::invalid(f_.path() + ": tensor '" + name + "' has shape " + shape_str(t->ne) + ", expected [" +
                            std::to_string(cols) + ", " + std::to_string(rows) + "]");
    }
    if (!linear_supports(t->type)) {
      return Error::unsupported(f_.path() + ": tensor '" + name + "' has type " + std::string(gguf::type_name(t->type)) +
                                ", which is not supported; supported: " + linear_supported_types());
    }
    bytes_ += t->nbytes;
    return Matrix{t->type, t->data, cols, rows, t->nbytes / static_cast<uint64_t>(rows)};
  }

  Result<Vector> vector(const std::string& name, int64_t n, bool required = true) {
    const gguf::TensorInfo* t = f_.find_tensor(name);
    if (t == nullptr) {
      if (required) return Error::invalid(f_.path() + ": tensor '" + name + "' is missing");
      return Vector{};
    }
    if (t->type != gguf::GgmlType::F32 || t->nelements() != n) {
      return Error::invalid(f_.path() + ": tensor '" + name + "' is " + std::string(gguf::type_name(t->type)) + " " +
                            shape_str(t->ne) + ", expected F32 of " + std::to_string(n) + " elements");
    }
    if (reinterpret_cast<uintptr_t>(t->data) % alignof(float) != 0) {
      return Error::invalid(f_.path() + ": tensor '" + name + "' data is not 4-byte aligned");
    }
    bytes_ += t->nbytes;
    return Vector{reinterpret_cast<const float*>(t->data), n};
  }

 private:
  const gguf::File& f_;
  uint64_t& bytes_;
};

Result<EncoderHParams> read_encoder_hparams(const gguf::File& f, const std::string& arch) {
  EncoderHParams hp;
  hp.arch = arch;
  const std::string p = arch + ".";
  LS_ASSIGN_OR_RETURN(hp.n_layer, dim_key(f, p + "block_count", 1, kMaxLayers));
  LS_ASSIGN_OR_RETURN(hp.n_embd, dim_key(f, p + "embedding_length", 1, kMaxDim));
  LS_ASSIGN_OR_RETURN(hp.n_ff, dim_key(f, p + "feed_forward_length", 1, kMaxDim * 8));
  LS_ASSIGN_OR_RETURN(hp.n_head, dim_key(f, p + "attention.head_count", 1, hp.n_embd));
  if (hp.n_embd % hp.n_head != 0) {
    return Error::invalid(f.path() + ": embedding_length " + std::to_string(hp.n_embd) +
                          " is not a multiple of attention.head_count " + std::to_string(hp.n_head));
  }
  LS_ASSIGN_OR_RETURN(hp.n_ctx_train, dim_key(f, p + "context_length", 1, kMaxCtx));
  LS_ASSIGN_OR_RETURN(double eps, f.get_float(p + "attention.layer_norm_epsilon"));
  if (!(eps >= 0.0 && eps < 1.0)) {
    return Error::invalid(f.path() + ": " + p + "attention.layer_norm_epsilon " + std::to_string(eps) + " is invalid");
  }
  hp.norm_eps = static_cast<float>(eps);
  LS_ASSIGN_OR_RETURN(hp.causal, f.get_bool_or(p + "attention.causal", false));
  if (hp.causal) {
    return Error::unsupported(f.path() + ": " + p + "attention.causal is true; only bidirectional BERT encoders are supported");
  }
  // llama.cpp's default for a bert file without the key is no pooling; such a file cannot give
  // one vector per text unless the caller overrides the pooling.
  LS_ASSIGN_OR_RETURN(hp.pooling, read_pooling(f, arch, Pooling::kNone));
  return hp;
}

Result<EncoderLayer> read_layer(Tensors& t, const EncoderHParams& hp, int il) {
  const std::string p = "blk." + std::to_string(il) + ".";
  const int64_t e = hp.n_embd;
  EncoderLayer l;
  LS_ASSIGN_OR_RETURN(l.wq, t.matrix(p + "attn_q.weight", e, e));
  LS_ASSIGN_OR_RETURN(l.bq, t.vector(p + "attn_q.bias", e));
  LS_ASSIGN_OR_RETURN(l.wk, t.matrix(p + "attn_k.weight", e, e));
  LS_ASSIGN_OR_RETURN(l.bk, t.vector(p + "attn_k.bias", e));
  LS_ASSIGN_OR_RETURN(l.wv, t.matrix(p + "attn_v.weight", e, e));
  LS_ASSIGN_OR_RETURN(l.bv, t.vector(p + "attn_v.bias", e));
  LS_ASSIGN_OR_RETURN(l.wo, t.matrix(p + "attn_output.weight", e, e));
  LS_ASSIGN_OR_RETURN(l.bo, t.vector(p + "attn_output.bias", e));
  LS_ASSIGN_OR_RETURN(l.attn_norm_w, t.vector(p + "attn_output_norm.weight", e));
  LS_ASSIGN_OR_RETURN(l.attn_norm_b, t.vector(p + "attn_output_norm.bias", e));
  LS_ASSIGN_OR_RETURN(l.ffn_up, t.matrix(p + "ffn_up.weight", e, hp.n_ff));
  LS_ASSIGN_OR_RETURN(l.ffn_up_b, t.vector(p + "ffn_up.bias", hp.n_ff));
  LS_ASSIGN_OR_RETURN(l.ffn_down, t.matrix(p + "ffn_down.weight", hp.n_ff, e));
  LS_ASSIGN_OR_RETURN(l.ffn_down_b, t.vector(p + "ffn_down.bias", e));
  LS_ASSIGN_OR_RETURN(l.out_norm_w, t.vector(p + "layer_output_norm.weight", e));
  LS_ASSIGN_OR_RETURN(l.out_norm_b, t.vector(p + "layer_output_norm.bias", e));
  return l;
}

Status read_weights(const gguf::File& f, EncoderHParams& hp, EncoderWeights& w) {
  Tensors t(f, w.bytes);
  const int64_t e = hp.n_embd;
  const gguf::TensorInfo* embd = f.find_tensor("token_embd.weight");
  if (embd == nullptr || embd->ne.size() != 2 || embd->ne[1] < 1 || embd->ne[1] > (1 << 24)) {
    return Error::invalid(f.path() + ": tensor 'token_embd.weight' is missing, not 2-D or of an unreasonable size");
  }
  hp.n_vocab = static_cast<int>(embd->ne[1]);
  LS_ASSIGN_OR_RETURN(w.token_embd, t.matrix("token_embd.weight", e, hp.n_vocab));
  const gguf::TensorInfo* types = f.find_tensor("token_types.weight");
  hp.n_token_types = types != nullptr && types->ne.size() == 2 ? static_cast<int>(types->ne[1]) : 1;
  if (hp.n_token_types < 1 || hp.n_token_types > 1024) {
    return Error::invalid(f.path() + ": token_types.weight has " + std::to_string(hp.n_token_types) + " rows");
  }
  LS_ASSIGN_OR_RETURN(w.token_types, t.matrix("token_types.weight", e, hp.n_token_types));
  LS_ASSIGN_OR_RETURN(w.position_embd, t.matrix("position_embd.weight", e, hp.n_ctx_train));
  LS_ASSIGN_OR_RETURN(w.embd_norm_w, t.vector("token_embd_norm.weight", e));
  LS_ASSIGN_OR_RETURN(w.embd_norm_b, t.vector("token_embd_norm.bias", e));
  w.layers.reserve(static_cast<size_t>(hp.n_layer));
  for (int il = 0; il < hp.n_layer; ++il) {
    LS_ASSIGN_OR_RETURN(EncoderLayer l, read_layer(t, hp, il));
    w.layers.push_back(l);
  }
  // The classification head: `cls` (dense + tanh) is optional; `cls.output` gives n_cls_out scores.
  const gguf::TensorInfo* out = f.find_tensor("cls.output.weight");
  if (out != nullptr) {
    hp.n_cls_out = out->ne.size() == 2 ? static_cast<int>(out->ne[1]) : 1;
    if (hp.n_cls_out < 1 || hp.n_cls_out > 4096) {
      return Error::invalid(f.path() + ": cls.output.weight has " + std::to_string(hp.n_cls_out) + " outputs");
    }
    LS_ASSIGN_OR_RETURN(w.cls, t.matrix("cls.weight", e, e, false));
    if (w.cls.present()) {
      LS_ASSIGN_OR_RETURN(w.cls_b, t.vector("cls.bias", e));
    }
    LS_ASSIGN_OR_RETURN(w.cls_out, t.matrix("cls.output.weight", e, hp.n_cls_out));
    LS_ASSIGN_OR_RETURN(w.cls_out_b, t.vector("cls.output.bias", hp.n_cls_out, false));
  }
  if (hp.pooling == Pooling::kRank && hp.n_cls_out == 0) {
    return Error::invalid(f.path() + ": pooling type rank needs a classification head (tensor 'cls.output.weight')");
  }
  return {};
}

}  // namespace

bool EncoderModel::handles(std::string_view arch) { return arch == "bert"; }

Result<std::shared_ptr<const EncoderModel>> EncoderModel::load(const std::string& path) {
  LS_ASSIGN_OR_RETURN(gguf::File f, gguf::File::open(path));
  return from_file(std::move(f));
}

Result<std::shared_ptr<const EncoderModel>> EncoderModel::from_file(gguf::File file) {
  std::shared_ptr<EncoderModel> m(new EncoderModel(std::move(file)));
  const std::string arch = m->file_.architecture();
  if (!handles(arch)) {
    return Error::unsupported(m->file_.path() + ": architecture '" + arch + "' is not an encoder; supported: bert");
  }
  auto hp = read_encoder_hparams(m->file_, arch);
  if (!hp.ok()) return hp.error();
  m->hp_ = std::move(hp).value();
  LS_TRY(read_weights(m->file_, m->hp_, m->w_));
  return std::shared_ptr<const EncoderModel>(std::move(m));
}

}  // namespace ls::model
