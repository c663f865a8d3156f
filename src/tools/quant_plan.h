// Which type each tensor gets when a model is quantised to a llama.cpp "file type" (Q4_K_M …):
// the facts of llama.cpp's per-tensor rules without an importance matrix, so that our files have
// the same tensor types as llama-quantize's (and, with the byte-exact quantisers, the same bytes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gguf/ggml_types.h"
#include "util/error.h"

namespace ls::tools {

using gguf::GgmlType;

// A target of `localseek quantize`: the name users type, llama.cpp's `general.file_type` id, and
// the type most tensors get.
struct FileType {
  std::string_view name;
  uint32_t llama_ftype;
  GgmlType base;
};

std::optional<FileType> file_type_from_name(std::string_view name);  // case-insensitive
std::string file_type_names();  // "F32, F16, BF16, Q8_0, …" for help texts and errors
bool is_quantized(const FileType& ft);

// What the rules need to know about the model besides each tensor's name and shape.
struct ModelFacts {
  std::string arch;
  int n_layer = 0;
  int n_head = 0;
  int n_head_kv = 0;
  int n_expert = 0;
  bool has_output = false;    // an output.weight tensor (else token_embd doubles as the output)
  int n_attention_wv = 0;     // tensors named *attn_v.weight / *attn_qkv.weight / *attn_kv_b.weight
};

// Chooses tensor types. Stateful like llama.cpp (attn_v / ffn_down counters): call choose() once per
// tensor in output order, which is llama.cpp's (by layer, then name).
class TypePlanner {
 public:
  TypePlanner(FileType ft, ModelFacts facts) : ft_(ft), facts_(std::move(facts)) {}

  // Type for the tensor; `source` is its type in the input. Error when the shape needs a fallback
  // we cannot produce (IQ4_NL).
  Result<GgmlType> choose(const std::string& name, const std::vector<int64_t>& ne, GgmlType source);

 private:
  GgmlType rules(const std::string& name, int64_t ne0);
  FileType ft_;
  ModelFacts facts_;
  int i_attention_wv_ = 0;
  int i_ffn_down_ = 0;
};

}  // namespace ls::tools
