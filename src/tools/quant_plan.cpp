#include "tools/quant_plan.h"

#include <array>
#include <cctype>


namespace ls::tools {
namespace {

using T = GgmlType;

constexpr std::array kFileTypes{
    FileType{"F32", 0, T::F32},     FileType{"F16", 1, T::F16},       FileType{"BF16", 32, T::BF16},
    FileType{"Q8_0", 7, T::Q8_0},   FileType{"Q4_0", 2, T::Q4_0},     FileType{"Q4_1", 3, T::Q4_1},
    FileType{"Q5_0", 8, T::Q5_0},   FileType{"Q5_1", 9, T::Q5_1},     FileType{"Q2_K", 10, T::Q2_K},
    FileType{"Q3_K_M", 12, T::Q3_K}, FileType{"Q4_K_S", 14, T::Q4_K}, FileType{"Q4_K_M", 15, T::Q4_K},
    FileType{"Q5_K_M", 17, T::Q5_K}, FileType{"Q6_K", 18, T::Q6_K},
};

// llama_ftype ids of the targets whose rules differ from "everything gets the base type".
enum Ftype : uint32_t { kQ2_K = 10, kQ3_K_M = 12, kQ4_K_S = 14, kQ4_K_M = 15, kQ5_K_M = 17 };

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

// llama.cpp's "use_more_bits": the first and last eighth of the layers and every third in between.
bool use_more_bits(int i_layer, int n_layers) {
  return i_layer < n_layers / 8 || i_layer >= 7 * n_layers / 8 || (i_layer - n_layers / 8) % 3 == 2;
}

int64_t block_of(GgmlType t) { return gguf::traits(t).block_size; }

}  // namespace

std::optional<FileType> file_type_from_name(std::string_view name) {
  for (const FileType& ft : kFileTypes) {
    if (name.size() != ft.name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i) {
      same = std::toupper(static_cast<unsigned char>(name[i])) == ft.name[i];
    }
    if (same) return ft;
  }
  return std::nullopt;
}

std::string file_type_names() {
  std::string out;
  for (const FileType& ft : kFileTypes) {
    if (!out.empty()) out += ", ";
    out += ft.name;
  }
  return out;
}

bool is_quantized(const FileType& ft) { return gguf::traits(ft.base).quantized; }

GgmlType TypePlanner::rules(const std::string& name, int64_t ne0) {
  const uint32_t ft = ft_.llama_ftype;
  GgmlType t = ft_.base;
  const int n_gqa = facts_.n_head_kv > 0 ? facts_.n_head / facts_.n_head_kv : 1;
  if (name == "output.weight" || (!facts_.has_output && name == "token_embd.weight")) {
    if (facts_.arch == "falcon" || ne0 % block_of(t) != 0) {
      t = T::Q8_0;
    } else if (t != T::Q8_0) {
      t = T::Q6_K;
    }
  } else if (name == "token_embd.weight") {
    // Only the IQ/TQ targets (not offered) change the token embeddings.
  } else if (contains(name, "attn_v.weight")) {
    if (ft == kQ2_K) {
      t = n_gqa >= 4 ? T::Q4_K : T::Q3_K;
    } else if (ft == kQ3_K_M) {
      t = i_attention_wv_ < 2 ? T::Q5_K : T::Q4_K;
    } else if ((ft == kQ4_K_M || ft == kQ5_K_M) && use_more_bits(i_attention_wv_, facts_.n_attention_wv)) {
      t = T::Q6_K;
    } else if (ft == kQ4_K_S && i_attention_wv_ < 4) {
      t = T::Q5_K;
    }
    if (facts_.n_expert == 8) t = T::Q8_0;
    ++i_attention_wv_;
  } else if (contains(name, "attn_k.weight")) {
    if (facts_.n_expert == 8) t = T::Q8_0;
  } else if (contains(name, "ffn_down")) {
    const int i = i_ffn_down_, n = facts_.n_layer;
    const bool falcon = facts_.arch == "falcon";
    if (ft == kQ2_K) {
      t = T::Q3_K;
    } else if (ft == kQ3_K_M) {
      t = i < n / 16 ? T::Q5_K : (!falcon || use_more_bits(i, n)) ? T::Q4_K : T::Q3_K;
    } else if (ft == kQ4_K_M) {
      if (falcon) {
        t = i < n / 16 ? T::Q6_K : use_more_bits(i, n) ? T::Q5_K : T::Q4_K;
      } else if (use_more_bits(i, n)) {
        t = T::Q6_K;
      }
    } else if (ft == kQ5_K_M && use_more_bits(i, n)) {
      t = T::Q6_K;
    } else if (ft == kQ4_K_S && !falcon && i < n / 8) {
      t = T::Q5_K;
    }
    ++i_ffn_down_;
  } else if (contains(name, "attn_output.weight")) {
    if (facts_.arch != "falcon") {
      if (facts_.n_expert == 8) {
        if (ft == kQ2_K || ft == kQ3_K_M || ft == kQ4_K_S || ft == kQ4_K_M) t = T::Q5_K;
      } else if (ft == kQ2_K) {
        t = T::Q3_K;
      } else if (ft == kQ3_K_M) {
        t = T::Q4_K;
      }
    }
  } else if (contains(name, "attn_qkv.weight")) {
    if (ft == kQ3_K_M) {
      t = T::Q4_K;
    } else if (ft == kQ4_K_M) {
      t = T::Q5_K;
    } else if (ft == kQ5_K_M) {
      t = T::Q6_K;
    }
  }
  return t;
}

Result<GgmlType> TypePlanner::choose(const std::string& name, const std::vector<int64_t>& ne, GgmlType source) {
  // Vectors (norms, biases), norm weights and a few small special tensors keep their type.
  bool quantize = ne.size() >= 2 && !contains(name, "_norm.weight") && !contains(name, "ffn_gate_inp.weight") &&
                  name != "position_embd.weight" && name != "token_types.weight";
  if (!quantize) return source;
  if (!is_quantized(ft_)) return ft_.base;
  const int64_t ne0 = ne[0];
  GgmlType t = rules(name, ne0);
  if (ne0 % block_of(t) != 0) {
    // llama.cpp's fallbacks for rows that do not fill the type's blocks.
    switch (t) {
      case T::Q2_K:
      case T::Q3_K:
        return Error::unsupported("tensor '" + name + "': rows of " + std::to_string(ne0) +
                                  " are not a multiple of 256; llama.cpp falls back to IQ4_NL there, which this "
                                  "build cannot write");
      case T::Q4_K: t = T::Q5_0; break;
      case T::Q5_K: t = T::Q5_1; break;
      case T::Q6_K: t = T::Q8_0; break;
      default: t = T::F16; break;
    }
    if (ne0 % block_of(t) != 0) t = T::F16;
  }
  return t;
}

}  // namespace ls::tools
