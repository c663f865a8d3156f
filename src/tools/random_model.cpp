#include "tools/random_model.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "kernels/kernels.h"
#include "kernels/quantize.h"
#include "tokenizer/byte_unicode.h"
#include "tools/model_shapes.h"
#include "tools/quant_plan.h"
#include "util/thread_pool.h"

namespace ls::tools {
namespace {

using gguf::Array;
using gguf::Value;
using gguf::ValueType;

// llama.cpp token types.
constexpr int32_t kNormal = 1, kControl = 3, kUnused = 5;

uint64_t splitmix(uint64_t& s) {
  uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Row `row` of tensor `tensor`: its own stream, so rows fill in parallel and any order gives the
// same weights. Approximately normal (sum of four uniforms, unit variance), which is all a
// benchmark needs and much cheaper than std::normal_distribution.
void fill_row(float* dst, int64_t n, uint64_t seed, uint64_t tensor, uint64_t row, float sd) {
  uint64_t s = seed * 0xD1B54A32D192ED03ull ^ (tensor << 40) ^ row;
  splitmix(s);
  const float k = sd * std::sqrt(3.0f) / 65536.0f;
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t r = splitmix(s);
    const float sum = static_cast<float>((r & 0xFFFF) + ((r >> 16) & 0xFFFF) + ((r >> 32) & 0xFFFF) + (r >> 48));
    dst[i] = (sum - 2.0f * 65536.0f) * k;
  }
}

Array string_array(std::vector<std::string> items) {
  Array a;
  a.element_type = ValueType::STRING;
  for (auto& s : items) a.items.emplace_back(std::move(s));
  return a;
}

Array int_array(const std::vector<int32_t>& items) {
  Array a;
  a.element_type = ValueType::INT32;
  for (int32_t v : items) a.items.emplace_back(v);
  return a;
}

// A small byte-level BPE vocabulary (the 256 byte tokens, a few merges, one control token), padded.
Status synthetic_vocab(gguf::Writer& w, int64_t n_vocab) {
  std::vector<std::string> tokens, merges;
  std::vector<int32_t> types;
  for (int b = 0; b < 256; ++b) {
    tokens.push_back(tok::encode_byte_level(std::string(1, static_cast<char>(b))));
    types.push_back(kNormal);
  }
  const std::string letters = "etaoinsrhl";
  const std::string space = tok::encode_byte_level(" ");
  for (char a : letters) {
    merges.push_back(space + " " + std::string(1, a));
    tokens.push_back(space + std::string(1, a));
    types.push_back(kNormal);
  }
  for (char a : letters) {
    for (char b : letters) {
      merges.push_back(std::string(1, a) + " " + std::string(1, b));
      tokens.push_back(std::string(1, a) + std::string(1, b));
      types.push_back(kNormal);
    }
  }
  const auto eos = static_cast<uint32_t>(tokens.size());
  tokens.push_back("<|endoftext|>");
  types.push_back(kControl);
  if (static_cast<int64_t>(tokens.size()) > n_vocab) {
    return Error::invalid("the synthetic vocabulary needs " + std::to_string(tokens.size()) + " tokens, the shape has " +
                          std::to_string(n_vocab));
  }
  for (int64_t i = static_cast<int64_t>(tokens.size()); i < n_vocab; ++i) {
    tokens.push_back("[PAD" + std::to_string(i) + "]");
    types.push_back(kUnused);
  }
  w.set("tokenizer.ggml.model", Value(std::string("gpt2")));
  w.set("tokenizer.ggml.pre", Value(std::string("qwen2")));
  w.set("tokenizer.ggml.tokens", Value(string_array(std::move(tokens))));
  w.set("tokenizer.ggml.token_type", Value(int_array(types)));
  w.set("tokenizer.ggml.merges", Value(string_array(std::move(merges))));
  w.set("tokenizer.ggml.bos_token_id", Value(eos));
  w.set("tokenizer.ggml.eos_token_id", Value(eos));
  w.set("tokenizer.ggml.add_bos_token", Value(false));
  return {};
}

// A small WordPiece vocabulary in llama.cpp's GGUF form (word starts carry '▁', continuations are
// bare): BERT's special ids ([PAD] 0, [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103), every printable
// ASCII character in both forms and a few common words, padded with [unusedN].
Status synthetic_wordpiece(gguf::Writer& w, int64_t n_vocab) {
  std::vector<std::string> tokens;
  std::vector<int32_t> types;
  for (int i = 0; i < 104; ++i) {
    const char* special = i == 0 ? "[PAD]" : i == 100 ? "[UNK]" : i == 101 ? "[CLS]" : i == 102 ? "[SEP]" : i == 103 ? "[MASK]" : nullptr;
    tokens.push_back(special != nullptr ? std::string(special) : "[unused" + std::to_string(i) + "]");
    types.push_back(special != nullptr ? kControl : kUnused);
  }
  const std::string start = "\xE2\x96\x81";
  for (int c = 33; c < 127; ++c) {
    if (c >= 'A' && c <= 'Z') continue;  // uncased: text is lower-cased first
    tokens.push_back(start + std::string(1, static_cast<char>(c)));
    types.push_back(kNormal);
    tokens.push_back(std::string(1, static_cast<char>(c)));
    types.push_back(kNormal);
  }
  for (const char* word : {"the", "of", "and", "to", "in", "is", "was", "for", "on", "that", "with", "as", "by",
                           "it", "at", "from", "this", "be", "are", "an", "or", "which", "query", "document"}) {
    tokens.push_back(start + word);
    types.push_back(kNormal);
  }
  if (static_cast<int64_t>(tokens.size()) > n_vocab) {
    return Error::invalid("the synthetic WordPiece vocabulary needs " + std::to_string(tokens.size()) + " tokens");
  }
  for (int64_t i = static_cast<int64_t>(tokens.size()); i < n_vocab; ++i) {
    tokens.push_back("[unused" + std::to_string(i) + "]");
    types.push_back(kUnused);
  }
  w.set("tokenizer.ggml.model", Value(std::string("bert")));
  w.set("tokenizer.ggml.tokens", Value(string_array(std::move(tokens))));
  w.set("tokenizer.ggml.token_type", Value(int_array(types)));
  w.set("tokenizer.ggml.token_type_count", Value(uint32_t{2}));
  w.set("tokenizer.ggml.unknown_token_id", Value(uint32_t{100}));
  w.set("tokenizer.ggml.seperator_token_id", Value(uint32_t{102}));
  w.set("tokenizer.ggml.padding_token_id", Value(uint32_t{0}));
  w.set("tokenizer.ggml.cls_token_id", Value(uint32_t{101}));
  w.set("tokenizer.ggml.mask_token_id", Value(uint32_t{103}));
  return {};
}

// The hyper-parameter keys llama.cpp reads for the shape's architecture.
void write_hparams(gguf::Writer& w, const ModelShape& s) {
  const std::string a(s.arch);
  w.set(a + ".context_length", Value(static_cast<uint32_t>(s.n_ctx)));
  w.set(a + ".embedding_length", Value(static_cast<uint32_t>(s.n_embd)));
  w.set(a + ".feed_forward_length", Value(static_cast<uint32_t>(s.n_ff)));
  w.set(a + ".block_count", Value(static_cast<uint32_t>(s.n_layer)));
  w.set(a + ".attention.head_count", Value(static_cast<uint32_t>(s.n_head)));
  if (a == "bert") {
    w.set(a + ".attention.layer_norm_epsilon", Value(static_cast<float>(s.rms_eps)));
    w.set(a + ".attention.causal", Value(false));
  } else {
    w.set(a + ".attention.head_count_kv", Value(static_cast<uint32_t>(s.n_head_kv)));
    w.set(a + ".rope.freq_base", Value(static_cast<float>(s.rope_base)));
    w.set(a + ".attention.layer_norm_rms_epsilon", Value(static_cast<float>(s.rms_eps)));
  }
  if (a == "llama") {
    w.set(a + ".rope.dimension_count", Value(static_cast<uint32_t>(s.n_embd / s.n_head)));
    w.set(a + ".vocab_size", Value(static_cast<uint32_t>(s.n_vocab)));
  }
  if (s.head_dim > 0) {
    w.set(a + ".attention.key_length", Value(static_cast<uint32_t>(s.head_dim)));
    w.set(a + ".attention.value_length", Value(static_cast<uint32_t>(s.head_dim)));
  }
  if (s.pooling >= 0) w.set(a + ".pooling_type", Value(static_cast<uint32_t>(s.pooling)));
  if (s.cls_out == 2 && a != "bert") {
    // Qwen3-Reranker's head: row 0 scores "yes", row 1 "no".
    w.set(a + ".classifier.output_labels", Value(string_array({"yes", "no"})));
  }
}

// Copies tokenizer.* from a vocabulary GGUF and pads the token list to the shape's vocabulary the
// way convert_hf_to_gguf does for models whose embedding is larger than the tokenizer: "[PADn]"
// tokens of type UNUSED (scores, when present, 0).
Status copy_vocab(gguf::Writer& w, const std::string& path, int64_t n_vocab) {
  LS_ASSIGN_OR_RETURN(gguf::File v, gguf::File::open(path));
  const Array* tokens = v.get_array("tokenizer.ggml.tokens");
  if (tokens == nullptr) return Error::invalid(path + ": no tokenizer.ggml.tokens array");
  const auto n = static_cast<int64_t>(tokens->items.size());
  if (n > n_vocab) {
    return Error::invalid(path + ": " + std::to_string(n) + " tokens do not fit the shape's vocabulary of " +
                          std::to_string(n_vocab));
  }
  for (const auto& [k, val] : v.metadata()) {
    if (k.rfind("tokenizer.", 0) != 0) continue;
    Value out = val;
    if (val.is_array() && static_cast<int64_t>(val.as_array().items.size()) == n &&
        (k == "tokenizer.ggml.tokens" || k == "tokenizer.ggml.token_type" || k == "tokenizer.ggml.scores")) {
      Array a = val.as_array();
      for (int64_t i = n; i < n_vocab; ++i) {
        if (k == "tokenizer.ggml.tokens") {
          a.items.emplace_back(std::string("[PAD") + std::to_string(i) + "]");
        } else if (k == "tokenizer.ggml.token_type") {
          a.items.emplace_back(kUnused);
        } else {
          a.items.emplace_back(0.0f);
        }
      }
      out = Value(std::move(a));
    }
    w.set(k, std::move(out));
  }
  return {};
}

}  // namespace

Result<GenModelSummary> generate_model(const GenModelOptions& opts) {
  const auto shape = find_shape(opts.arch, opts.shape);
  if (!shape) {
    return Error::invalid("unknown shape '" + opts.shape + "' for arch '" + opts.arch + "'; known: " +
                          (shape_names(opts.arch).empty() ? std::string("(none: arch is qwen2, llama, qwen3 or bert)")
                                                          : shape_names(opts.arch)));
  }
  const auto ft = file_type_from_name(opts.file_type);
  if (!ft) return Error::invalid("unknown type '" + opts.file_type + "'; supported: " + file_type_names());
  const ModelShape& s = *shape;
  const std::string a(s.arch);

  gguf::Writer w;
  w.set("general.architecture", Value(a));
  w.set("general.name", Value("random " + std::string(s.name) + " seed " + std::to_string(opts.seed)));
  w.set("general.file_type", Value(ft->llama_ftype));
  w.set("general.quantization_version", Value(uint32_t{2}));
  write_hparams(w, s);
  if (opts.vocab_path.empty() && a == "bert") {
    LS_TRY(synthetic_wordpiece(w, s.n_vocab));
  } else if (opts.vocab_path.empty()) {
    LS_TRY(synthetic_vocab(w, s.n_vocab));
  } else {
    LS_TRY(copy_vocab(w, opts.vocab_path, s.n_vocab));
  }
  if (s.pooling == 3) {
    // Last-token embedders end every input with EOS (Qwen3-Embedding's GGUFs ask for it).
    w.set("tokenizer.ggml.add_eos_token", Value(true));
  }

  const std::vector<TensorSpec> specs = tensor_specs(s);
  ModelFacts facts;
  facts.arch = a;
  facts.n_layer = static_cast<int>(s.n_layer);
  facts.n_head = static_cast<int>(s.n_head);
  facts.n_head_kv = static_cast<int>(s.n_head_kv);
  facts.has_output = !s.tied_output;
  facts.n_attention_wv = static_cast<int>(s.n_layer);
  TypePlanner planner(*ft, facts);
  std::vector<GgmlType> types;
  GenModelSummary sum;
  for (const TensorSpec& t : specs) {
    LS_ASSIGN_OR_RETURN(GgmlType type, planner.choose(t.name, t.ne, GgmlType::F32));
    types.push_back(type);
    LS_TRY(w.add_tensor_deferred(t.name, type, t.ne));
  }

  ThreadPool pool(opts.threads);
  std::vector<float> rows;
  auto source = [&](size_t i, std::vector<uint8_t>& bytes) -> Status {
    const TensorSpec& t = specs[i];
    const GgmlType type = types[i];
    const int64_t ne0 = t.ne[0];
    const int64_t n_rows = t.ne.size() > 1 ? t.ne[1] : 1;
    const size_t row_bytes = kernels::row_size(type, ne0);
    bytes.resize(row_bytes * static_cast<size_t>(n_rows));
    const bool bias = t.name.find(".bias") != std::string::npos;
    const float sd = bias ? 0.02f : 1.0f / std::sqrt(static_cast<float>(t.n_in));
    // Chunks of ~16M floats: the float copy of a 7B model's embedding would be 2 GiB.
    const int64_t chunk = std::max<int64_t>(1, (int64_t{1} << 24) / ne0);
    for (int64_t r0 = 0; r0 < n_rows; r0 += chunk) {
      const int64_t nr = std::min(chunk, n_rows - r0);
      rows.resize(static_cast<size_t>(nr * ne0));
      pool.parallel_for(static_cast<int>(nr), [&](int r, int) {
        float* dst = rows.data() + static_cast<size_t>(r) * static_cast<size_t>(ne0);
        if (t.is_norm) {
          std::fill(dst, dst + ne0, 1.0f);
        } else {
          fill_row(dst, ne0, opts.seed, i, static_cast<uint64_t>(r0 + r), sd);
        }
      });
      LS_TRY(kernels::quantize_rows(type, rows.data(), nr, ne0, bytes.data() + static_cast<size_t>(r0) * row_bytes, &pool));
    }
    ++sum.tensors;
    sum.parameters += static_cast<uint64_t>(n_rows * ne0);
    sum.bytes += bytes.size();
    if (opts.progress) opts.progress(i, specs.size(), t.name, type);
    return {};
  };
  LS_TRY(w.write(opts.output, source));
  return sum;
}

}  // namespace ls::tools
