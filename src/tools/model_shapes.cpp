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

std::vector<TensorSpec> tensor_specs(const ModelShape& s) {
  const int64_t e = s.n_embd, kv = s.n_embd / s.n_head * s.n_head_kv;
  std::vector<TensorSpec> out;
  if (!s.tied_output) out.push_back({"output.weight", {e, s.n_vocab}, e, false});
  out.push_back({"output_norm.weight", {e}, e, true});
  out.push_back({"token_embd.weight", {e, s.n_vocab}, e, false});
  for (int64_t l = 0; l < s.n_layer; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    std::vector<TensorSpec> layer = {
        {p + "attn_k.weight", {e, kv}, e, false},          {p + "attn_norm.weight", {e}, e, true},
        {p + "attn_output.weight", {e, e}, e, false},      {p + "attn_q.weight", {e, e}, e, false},
        {p + "attn_v.weight", {e, kv}, e, false},          {p + "ffn_down.weight", {s.n_ff, e}, s.n_ff, false},
        {p + "ffn_gate.weight", {e, s.n_ff}, e, false},    {p + "ffn_norm.weight", {e}, e, true},
        {p + "ffn_up.weight", {e, s.n_ff}, e, false},
    };
    if (s.qkv_bias) {
      layer.push_back({p + "attn_k.bias", {kv}, e, false});
      layer.push_back({p + "attn_q.bias", {e}, e, false});
      layer.push_back({p + "attn_v.bias", {kv}, e, false});
    }
    std::sort(layer.begin(), layer.end(), [](const TensorSpec& a, const TensorSpec& b) { return a.name < b.name; });
    out.insert(out.end(), layer.begin(), layer.end());
  }
  return out;
}

}  // namespace ls::tools
