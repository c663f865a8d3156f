// What a person (or `inspect --json`) wants to know about a GGUF file, gathered in one pass:
// identity, shapes, tensor-type histogram, tokenizer and chat template. Pure data; the CLI formats it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gguf/gguf_file.h"

namespace ls::gguf {

// llama.cpp's `general.file_type` (enum llama_ftype) as it names it: "Q4_K_M", "BF16"…; nullopt if unknown.
std::optional<std::string_view> file_type_name(int64_t file_type);

struct TypeStat {
  GgmlType type;
  uint64_t count = 0;
  uint64_t bytes = 0;
};

struct SpecialToken {
  std::string role;                 // "bos", "eos", "unk", "sep", "pad", "cls", "mask", "eot", "eom"
  int64_t id = -1;
  std::optional<std::string> text;  // nullopt when the id is outside the vocabulary
};

struct HyperParameter {
  std::string name;  // key without the "<arch>." prefix, e.g. "attention.head_count"
  const Value* value;
};

struct Summary {
  std::string architecture;  // "" when absent
  std::string name;
  std::optional<int64_t> file_type;
  uint64_t parameters = 0;    // sum of the elements of every tensor
  uint64_t tensor_bytes = 0;  // sum of the tensor data sizes
  std::vector<HyperParameter> hyper_parameters;  // the known <arch>.* keys present, in a fixed order
  std::vector<TypeStat> types;                   // by descending bytes

  std::string tokenizer_model;  // tokenizer.ggml.model, "" when absent
  std::string tokenizer_pre;
  std::optional<uint64_t> vocab_size;  // entries of tokenizer.ggml.tokens
  std::optional<uint64_t> merges;
  std::vector<SpecialToken> special_tokens;
  std::optional<bool> add_bos, add_eos, add_space_prefix;  // nullopt when the key is absent
  const std::string* chat_template = nullptr;              // into the File
};

// Values point into `f`, which must outlive the Summary.
Summary summarize(const File& f);

}  // namespace ls::gguf
