// Vocab::from_gguf: the `tokenizer.ggml.*` keys of a GGUF file.
#include "gguf/gguf_file.h"
#include "tokenizer/vocab.h"

namespace ls::tok {
namespace {

Result<const gguf::Array*> typed_array(const gguf::File& f, std::string_view key,
                                       gguf::ValueType want, bool required) {
  const gguf::Value* v = f.find(key);
  if (v == nullptr) {
    if (required) return Error::invalid(f.path() + ": missing key " + std::string(key));
    return static_cast<const gguf::Array*>(nullptr);
  }
  if (!v->is_array()) {
    return Error::invalid(f.path() + ": key " + std::string(key) + " is " +
                          std::string(gguf::value_type_name(v->type())) + ", expected an array");
  }
  const gguf::Array& a = v->as_array();
  if (want == gguf::ValueType::STRING ? a.element_type != want
                                      : (!a.items.empty() && !a.items.front().is_number())) {
    return Error::invalid(f.path() + ": key " + std::string(key) + " holds " +
                          std::string(gguf::value_type_name(a.element_type)) + " items");
  }
  return &a;
}

}  // namespace

Result<Vocab> Vocab::from_gguf(const gguf::File& f) {
  auto ctx = [&](const Error& e) { return e.with_context(f.path()); };
  Vocab v;
  auto model = f.get_string("tokenizer.ggml.model");
  if (!model.ok()) return ctx(model.error());
  auto pre = f.get_string_or("tokenizer.ggml.pre", "default");
  if (!pre.ok()) return ctx(pre.error());
  if (auto name = f.get_string_or("general.name", ""); name.ok()) v.general_name = *name;
  if (auto st = apply_model_defaults(v, *model, *pre); !st.ok()) return ctx(st.error());

  LS_ASSIGN_OR_RETURN(const gguf::Array* tokens,
                      typed_array(f, "tokenizer.ggml.tokens", gguf::ValueType::STRING, true));
  v.tokens.reserve(tokens->items.size());
  for (const auto& t : tokens->items) v.tokens.push_back(t.as_string());

  LS_ASSIGN_OR_RETURN(const gguf::Array* scores,
                      typed_array(f, "tokenizer.ggml.scores", gguf::ValueType::FLOAT32, false));
  if (scores != nullptr) {
    v.scores.reserve(scores->items.size());
    for (const auto& s : scores->items) v.scores.push_back(static_cast<float>(*s.to_double()));
  }
  LS_ASSIGN_OR_RETURN(const gguf::Array* types,
                      typed_array(f, "tokenizer.ggml.token_type", gguf::ValueType::INT32, false));
  if (types != nullptr) {
    v.types.reserve(types->items.size());
    for (const auto& t : types->items) {
      const int64_t x = t.to_int().value_or(0);
      v.types.push_back(x >= 0 && x <= 6 ? static_cast<TokenType>(x) : TokenType::kUndefined);
    }
  }
  LS_ASSIGN_OR_RETURN(const gguf::Array* merges,
                      typed_array(f, "tokenizer.ggml.merges", gguf::ValueType::STRING, false));
  if (merges != nullptr) {
    v.merges.reserve(merges->items.size());
    for (const auto& m : merges->items) v.merges.push_back(m.as_string());
  }
  if (v.kind == ModelKind::kBpe && v.merges.empty()) {
    return Error::invalid(f.path() + ": byte-level BPE vocabulary without tokenizer.ggml.merges");
  }

  // Special ids: a present key overrides the model default unless it points outside the vocab.
  const std::pair<const char*, TokenId*> ids[] = {
      {"tokenizer.ggml.bos_token_id", &v.bos},       {"tokenizer.ggml.eos_token_id", &v.eos},
      {"tokenizer.ggml.unknown_token_id", &v.unk},   {"tokenizer.ggml.seperator_token_id", &v.sep},
      {"tokenizer.ggml.padding_token_id", &v.pad},   {"tokenizer.ggml.cls_token_id", &v.cls},
      {"tokenizer.ggml.mask_token_id", &v.mask},
  };
  for (const auto& [key, dst] : ids) {
    const gguf::Value* val = f.find(key);
    if (val == nullptr) continue;
    const auto x = val->to_int();
    if (!x) return Error::invalid(f.path() + ": key " + key + " is not an integer");
    if (*x >= 0 && static_cast<uint64_t>(*x) < v.tokens.size()) *dst = static_cast<TokenId>(*x);
  }
  const std::pair<const char*, bool*> flags[] = {
      {"tokenizer.ggml.add_bos_token", &v.add_bos},
      {"tokenizer.ggml.add_eos_token", &v.add_eos},
      {"tokenizer.ggml.add_sep_token", &v.add_sep},
      {"tokenizer.ggml.add_space_prefix", &v.add_space_prefix},
  };
  for (const auto& [key, dst] : flags) {
    auto b = f.get_bool_or(key, *dst);
    if (!b.ok()) return ctx(b.error());
    *dst = *b;
  }
  if (auto st = v.finalize(); !st.ok()) return ctx(st.error());
  return v;
}

}  // namespace ls::tok
