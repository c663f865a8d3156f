#include "tools/model_shapes.h"

#include <algorithm>
#include <array>

namespace ls::tools {
namespace {

constexpr std::array kShapes{
    // DeepSeek-R1-Distill-Qwen-1.5B / -7B and Qwen2-0.5B (config.json of each), Llama-3-8B.
    ModelShape{"r1-distill-qwen-1.5b", "qwen2", 1536, 28, 12, 2, 8960, 151936, 131072, 10000.0, 1e-6, true, false},
    ModelShape{"r1-distill-qwen-7b", "qwen2", 3584, 28, 28, 4, 18944, 152064, 131072, 10000.0, 1e-6, true, false},
    ModelShape{"qwen2-0.5b", "qwen2", 896, 24, 14, 2, 4864, 151936, 32768, 1000000.0, 1e-6, true, true},
    ModelShape{"tiny", "qwen2", 256, 2, 4, 2, 768, 512, 512, 1000000.0, 1e-6, true, false},
    // Tiny layers with R1-Distill-Qwen's vocabulary size, so a real tokenizer (--vocab) fits.
    ModelShape{"tiny-r1-vocab", "qwen2", 256, 2, 4, 2, 768, 151936, 4096, 10000.0, 1e-6, true, false},
    ModelShape{"llama-3-8b", "llama", 4096, 32, 32, 8, 14336, 128256, 8192, 500000.0, 1e-5, false, false},
    ModelShape{"tiny", "llama", 256, 2, 4, 2, 768, 512, 512, 10000.0, 1e-5, false, false},
    // Embedding models. bge-small-en-v1.5 (config.json: hidden 384, 12 layers, 12 heads, intermediate
    // 1536, vocab 30522, 512 positions; CLS pooling) and a tiny BERT like ../shared's tiny-bert.
    ModelShape{"bge-small", "bert", 384, 12, 12, 12, 1536, 30522, 512, 0.0, 1e-12, true, true, 0, false, 2},
    ModelShape{"tiny", "bert", 128, 2, 4, 4, 512, 30522, 512, 0.0, 1e-12, true, true, 0, false, 2},
    // bge-reranker-shaped: the tiny BERT plus a one-logit classification head (pooling rank).
    ModelShape{"tiny-reranker", "bert", 128, 2, 4, 4, 512, 30522, 512, 0.0, 1e-12, true, true, 0, false, 4, 1},
    // Qwen3-Embedding-0.6B (config.json: hidden 1024, 28 layers, 16 heads, 8 KV heads, head_dim 128,
    // intermediate 3072, vocab 151669, tied embeddings; last-token pooling) and tiny qwen3 variants.
    ModelShape{"qwen3-embedding-0.6b", "qwen3", 1024, 28, 16, 8, 3072, 151669, 32768, 1000000.0, 1e-6, false, true,
               128, true, 3},
    ModelShape{"tiny", "qwen3", 256, 2, 4, 2, 768, 512, 512, 1000000.0, 1e-6, false, true, 64, true, 3},
    // Qwen3-Reranker as llama.cpp converts it: the LM head's "yes"/"no" rows as cls.output (pooling rank).
    ModelShape{"tiny-reranker", "qwen3", 256, 2, 4, 2, 768, 512, 512, 1000000.0, 1e-6, false, true, 64, true, 4, 2},
};

}  // namespace

std::optional<ModelShape> find_shape(std::string_view arch, std::string_view name) {
  for (const ModelShape& s : kShapes) {
    if (s.arch == arch && s.name == name) return s;
  }
  return std::nullopt;
}

std::string shape_names(std::string_view arch) {
  std::string out;
  for (const ModelShape& s : kShapes) {
    if (s.arch != arch) continue;
    if (!out.empty()) out += ", ";
    out += s.name;
  }
  return out;
}

namespace {

// llama.cpp's LLM_ARCH_BERT tensors (post-LayerNorm encoder with biases everywhere).
std::vector<TensorSpec> bert_specs(const ModelShape& s) {
  const int64_t e = s.n_embd, f = s.n_ff;
  std::vector<TensorSpec> out = {
      {"token_embd.weight", {e, s.n_vocab}, e, false},   {"token_types.weight", {e, 2}, e, false},
      {"position_embd.weight", {e, s.n_ctx}, e, false},  {"token_embd_norm.weight", {e}, e, true},
      {"token_embd_norm.bias", {e}, e, false},
  };
  for (int64_t l = 0; l < s.n_layer; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    for (const char* m : {"attn_q", "attn_k", "attn_v", "attn_output"}) {
      out.push_back({p + m + ".weight", {e, e}, e, false});
      out.push_back({p + m + ".bias", {e}, e, false});
    }
    out.push_back({p + "attn_output_norm.weight", {e}, e, true});
    out.push_back({p + "attn_output_norm.bias", {e}, e, false});
    out.push_back({p + "ffn_up.weight", {e, f}, e, false});
    out.push_back({p + "ffn_up.bias", {f}, e, false});
    out.push_back({p + "ffn_down.weight", {f, e}, f, false});
    out.push_back({p + "ffn_down.bias", {e}, f, false});
    out.push_back({p + "layer_output_norm.weight", {e}, e, true});
    out.push_back({p + "layer_output_norm.bias", {e}, e, false});
  }
  if (s.cls_out > 0) {
    out.push_back({"cls.weight", {e, e}, e, false});
    out.push_back({"cls.bias", {e}, e, false});
    out.push_back({"cls.output.weight", {e, s.cls_out}, e, false});
    out.push_back({"cls.output.bias", {s.cls_out}, e, false});
  }
  return out;
}

}  // namespace

std::vector<TensorSpec> tensor_specs(const ModelShape& s) {
  if (s.arch == "bert") return bert_specs(s);
  const int64_t e = s.n_embd, hd = s.head_size(), q = hd * s.n_head, kv = hd * s.n_head_kv;
  std::vector<TensorSpec> out;
  if (s.cls_out > 0) out.push_back({"cls.output.weight", {e, s.cls_out}, e, false});
  if (!s.tied_output) out.push_back({"output.weight", {e, s.n_vocab}, e, false});
  out.push_back({"output_norm.weight", {e}, e, true});
  out.push_back({"token_embd.weight", {e, s.n_vocab}, e, false});
  for (int64_t l = 0; l < s.n_layer; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    std::vector<TensorSpec> layer = {
        {p + "attn_k.weight", {e, kv}, e, false},          {p + "attn_norm.weight", {e}, e, true},
        {p + "attn_output.weight", {q, e}, q, false},      {p + "attn_q.weight", {e, q}, e, false},
        {p + "attn_v.weight", {e, kv}, e, false},          {p + "ffn_down.weight", {s.n_ff, e}, s.n_ff, false},
        {p + "ffn_gate.weight", {e, s.n_ff}, e, false},    {p + "ffn_norm.weight", {e}, e, true},
        {p + "ffn_up.weight", {e, s.n_ff}, e, false},
    };
    if (s.qkv_bias) {
      layer.push_back({p + "attn_k.bias", {kv}, e, false});
      layer.push_back({p + "attn_q.bias", {q}, e, false});
      layer.push_back({p + "attn_v.bias", {kv}, e, false});
    }
    if (s.qk_norm) {
      layer.push_back({p + "attn_k_norm.weight", {hd}, hd, true});
      layer.push_back({p + "attn_q_norm.weight", {hd}, hd, true});
    }
    std::sort(layer.begin(), layer.end(), [](const TensorSpec& a, const TensorSpec& b) { return a.name < b.name; });
    out.insert(out.end(), layer.begin(), layer.end());
  }
  return out;
}

}  // namespace ls::tools
