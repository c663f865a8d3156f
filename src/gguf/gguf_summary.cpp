#include "gguf/gguf_summary.h"

#include <algorithm>
#include <array>
#include <map>

namespace ls::gguf {
namespace {

// <arch>.<suffix> keys worth showing, in reading order.
constexpr std::string_view kHyperKeys[] = {
    "context_length",
    "embedding_length",
    "block_count",
    "feed_forward_length",
    "expert_feed_forward_length",
    "attention.head_count",
    "attention.head_count_kv",
    "attention.key_length",
    "attention.value_length",
    "attention.layer_norm_epsilon",
    "attention.layer_norm_rms_epsilon",
    "attention.causal",
    "attention.sliding_window",
    "rope.dimension_count",
    "rope.freq_base",
    "rope.scaling.type",
    "rope.scaling.factor",
    "rope.scaling.original_context_length",
    "expert_count",
    "expert_used_count",
    "expert_shared_count",
    "pooling_type",
    "vocab_size",
};

struct SpecialKey {
  std::string_view role;
  std::string_view key;
};
// llama.cpp spells the separator key "seperator".
constexpr SpecialKey kSpecialKeys[] = {
    {"bos", "tokenizer.ggml.bos_token_id"},     {"eos", "tokenizer.ggml.eos_token_id"},
    {"eot", "tokenizer.ggml.eot_token_id"},     {"eom", "tokenizer.ggml.eom_token_id"},
    {"unk", "tokenizer.ggml.unknown_token_id"}, {"sep", "tokenizer.ggml.seperator_token_id"},
    {"pad", "tokenizer.ggml.padding_token_id"}, {"cls", "tokenizer.ggml.cls_token_id"},
    {"mask", "tokenizer.ggml.mask_token_id"},
};

std::optional<bool> optional_bool(const File& f, std::string_view key) {
  const Value* v = f.find(key);
  if (v == nullptr || v->type() != ValueType::BOOL) return std::nullopt;
  return v->as_bool();
}

std::string string_or_empty(const File& f, std::string_view key) {
  const Value* v = f.find(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

}  // namespace

std::optional<std::string_view> file_type_name(int64_t ft) {
  static constexpr std::array<std::string_view, 39> kNames = {
      "F32",     "F16",     "Q4_0",   "Q4_1",    "Q4_1_SOME_F16", "",       "",        "Q8_0",
      "Q5_0",    "Q5_1",    "Q2_K",   "Q3_K_S",  "Q3_K_M",        "Q3_K_L", "Q4_K_S",  "Q4_K_M",
      "Q5_K_S",  "Q5_K_M",  "Q6_K",   "IQ2_XXS", "IQ2_XS",        "Q2_K_S", "IQ3_XS",  "IQ3_XXS",
      "IQ1_S",   "IQ4_NL",  "IQ3_S",  "IQ3_M",   "IQ2_S",         "IQ2_M",  "IQ4_XS",  "IQ1_M",
      "BF16",    "",        "",       "",        "TQ1_0",         "TQ2_0",  "MXFP4_MOE",
  };
  if (ft < 0 || ft >= static_cast<int64_t>(kNames.size()) || kNames[static_cast<size_t>(ft)].empty()) {
    return std::nullopt;
  }
  return kNames[static_cast<size_t>(ft)];
}

Summary summarize(const File& f) {
  Summary s;
  s.architecture = f.architecture();
  s.name = string_or_empty(f, "general.name");
  if (const Value* v = f.find("general.file_type")) s.file_type = v->to_int();

  std::map<GgmlType, TypeStat> by_type;
  for (const TensorInfo& t : f.tensors()) {
    s.parameters += static_cast<uint64_t>(t.nelements());
    s.tensor_bytes += t.nbytes;
    TypeStat& st = by_type[t.type];
    st.type = t.type;
    st.count++;
    st.bytes += t.nbytes;
  }
  for (const auto& [type, st] : by_type) s.types.push_back(st);
  std::stable_sort(s.types.begin(), s.types.end(), [](const TypeStat& a, const TypeStat& b) { return a.bytes > b.bytes; });

  if (!s.architecture.empty()) {
    for (std::string_view k : kHyperKeys) {
      if (const Value* v = f.find(s.architecture + "." + std::string(k))) s.hyper_parameters.push_back({std::string(k), v});
    }
  }

  s.tokenizer_model = string_or_empty(f, "tokenizer.ggml.model");
  s.tokenizer_pre = string_or_empty(f, "tokenizer.ggml.pre");
  const Array* tokens = f.get_array("tokenizer.ggml.tokens");
  if (tokens != nullptr) s.vocab_size = tokens->items.size();
  if (const Array* merges = f.get_array("tokenizer.ggml.merges")) s.merges = merges->items.size();
  for (const auto& sk : kSpecialKeys) {
    const Value* v = f.find(sk.key);
    if (v == nullptr) continue;
    auto id = v->to_int();
    if (!id) continue;
    SpecialToken st{std::string(sk.role), *id, std::nullopt};
    if (tokens != nullptr && *id >= 0 && static_cast<uint64_t>(*id) < tokens->items.size() &&
        tokens->items[static_cast<size_t>(*id)].is_string()) {
      st.text = tokens->items[static_cast<size_t>(*id)].as_string();
    }
    s.special_tokens.push_back(std::move(st));
  }
  s.add_bos = optional_bool(f, "tokenizer.ggml.add_bos_token");
  s.add_eos = optional_bool(f, "tokenizer.ggml.add_eos_token");
  s.add_space_prefix = optional_bool(f, "tokenizer.ggml.add_space_prefix");
  if (const Value* v = f.find("tokenizer.chat_template"); v != nullptr && v->is_string()) s.chat_template = &v->as_string();
  return s;
}

}  // namespace ls::gguf
