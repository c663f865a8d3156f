#include "model/hparams.h"

#include <cmath>
#include <optional>

namespace ls::model {
namespace {

// Upper bounds far above any real model, so a corrupt file cannot make us allocate without limit.
constexpr int64_t kMaxLayers = 1024;
constexpr int64_t kMaxDim = 1 << 18;
constexpr int64_t kMaxHeads = 4096;
constexpr int64_t kMaxCtx = 1 << 24;

Result<int> get_dim(const gguf::File& f, const std::string& key, int64_t lo, int64_t hi,
                    std::optional<int64_t> fallback = std::nullopt) {
  Result<int64_t> v = fallback ? f.get_int_or(key, *fallback) : f.get_int(key);
  if (!v.ok()) return v.error();
  if (*v < lo || *v > hi) {
    return Error::invalid("metadata key '" + key + "' = " + std::to_string(*v) + " is outside [" +
                          std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return static_cast<int>(*v);
}

Status apply_rope_scaling(const gguf::File& f, const std::string& p, HParams& hp) {
  LS_ASSIGN_OR_RETURN(std::string type, f.get_string_or(p + ".rope.scaling.type", "none"));
  // Older files give the frequency scale directly.
  LS_ASSIGN_OR_RETURN(double freq_scale, f.get_float_or(p + ".rope.freq_scale", 1.0));
  LS_ASSIGN_OR_RETURN(double factor, f.get_float_or(p + ".rope.scaling.factor", 0.0));
  if (type == "none") {
    hp.rope_freq_scale = static_cast<float>(freq_scale);
  } else if (type == "linear") {
    if (!(factor > 0.0)) factor = 1.0 / freq_scale;
    hp.rope_freq_scale = static_cast<float>(1.0 / factor);
  } else {
    // Llama 3 scaling arrives as rope_freqs.weight (with type "none" or absent), not here.
    return Error::unsupported("rope scaling type '" + type + "' (key " + p +
                              ".rope.scaling.type) is not supported; supported: none, linear, and "
                              "per-dimension rope_freqs (Llama 3)");
  }
  if (!(hp.rope_freq_scale > 0.0f) || !std::isfinite(hp.rope_freq_scale)) {
    return Error::invalid("rope frequency scale " + std::to_string(hp.rope_freq_scale) + " is invalid");
  }
  return {};
}

}  // namespace

Result<HParams> read_hparams(const gguf::File& f, const ArchSpec& arch) {
  HParams hp;
  hp.arch = std::string(arch.name);
  hp.rope_style = arch.rope;
  const std::string p = hp.arch;
  LS_ASSIGN_OR_RETURN(hp.n_layer, get_dim(f, p + ".block_count", 1, kMaxLayers));
  LS_ASSIGN_OR_RETURN(hp.n_embd, get_dim(f, p + ".embedding_length", 1, kMaxDim));
  LS_ASSIGN_OR_RETURN(hp.n_ff, get_dim(f, p + ".feed_forward_length", 1, kMaxDim * 8));
  LS_ASSIGN_OR_RETURN(hp.n_head, get_dim(f, p + ".attention.head_count", 1, kMaxHeads));
  LS_ASSIGN_OR_RETURN(hp.n_head_kv, get_dim(f, p + ".attention.head_count_kv", 1, kMaxHeads, hp.n_head));
  if (hp.n_head % hp.n_head_kv != 0) {
    return Error::invalid("attention.head_count " + std::to_string(hp.n_head) +
                          " is not a multiple of attention.head_count_kv " + std::to_string(hp.n_head_kv));
  }
  const int default_head_dim = hp.n_embd / hp.n_head;
  LS_ASSIGN_OR_RETURN(hp.head_dim_k, get_dim(f, p + ".attention.key_length", 1, kMaxDim, default_head_dim));
  LS_ASSIGN_OR_RETURN(hp.head_dim_v, get_dim(f, p + ".attention.value_length", 1, kMaxDim, default_head_dim));
  LS_ASSIGN_OR_RETURN(hp.n_ctx_train, get_dim(f, p + ".context_length", 1, kMaxCtx));
  LS_ASSIGN_OR_RETURN(hp.n_rot, get_dim(f, p + ".rope.dimension_count", 2, hp.head_dim_k, hp.head_dim_k));
  if (hp.n_rot % 2 != 0) {
    return Error::invalid(p + ".rope.dimension_count " + std::to_string(hp.n_rot) + " is odd");
  }
  LS_ASSIGN_OR_RETURN(double eps, f.get_float(p + ".attention.layer_norm_rms_epsilon"));
  LS_ASSIGN_OR_RETURN(double base, f.get_float_or(p + ".rope.freq_base", 10000.0));
  if (!(eps >= 0.0 && eps < 1.0)) {
    return Error::invalid(p + ".attention.layer_norm_rms_epsilon " + std::to_string(eps) + " is invalid");
  }
  if (!(base > 1.0 && std::isfinite(base))) {
    return Error::invalid(p + ".rope.freq_base " + std::to_string(base) + " is invalid");
  }
  hp.rms_eps = static_cast<float>(eps);
  hp.rope_base = static_cast<float>(base);
  LS_TRY(apply_rope_scaling(f, p, hp));
  return hp;
}

}  // namespace ls::model
