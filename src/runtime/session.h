// Everything needed to run one model for one user: the loaded model, its tokenizer, a context
// (KV cache) and, when the file has one, its chat template. The CLI commands (run, logits, chat)
// share it; the server's scheduler will share the model and tokenizer across many sequences.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "chat/chat_template.h"
#include "model/context.h"
#include "model/model.h"
#include "tokenizer/tokenizer.h"
#include "util/error.h"

namespace ls::runtime {

struct SessionOptions {
  std::string model_path;
  model::ContextOptions context;
  std::string chat_template_path;  // overrides the file's tokenizer.chat_template
  // false: no Context (the batched server engine brings its own KV pool); context() must not be called.
  bool create_context = true;
};

class Session {
 public:
  static Result<std::unique_ptr<Session>> open(const SessionOptions& opts);

  const model::Model& model() const { return *model_; }
  std::shared_ptr<const model::Model> shared_model() const { return model_; }
  model::Context& context() { return *ctx_; }
  const tok::Tokenizer& tokenizer() const { return *tok_; }
  const std::vector<int32_t>& eog_ids() const { return eog_; }

  // Plain prompt, tokenized as `localseek tokenize` does by default (BOS per metadata, special
  // tokens parsed).
  Result<std::vector<int32_t>> tokenize_prompt(std::string_view text) const;

  bool has_chat_template() const { return template_.has_value(); }
  // Renders [{role, content}...] with the generation prompt and tokenizes it (BOS added only when
  // the template did not write it already).
  Result<std::vector<int32_t>> chat_prompt(const nlohmann::ordered_json& messages,
                                           std::string* rendered = nullptr) const;

 private:
  Session() = default;
  std::shared_ptr<const model::Model> model_;
  std::unique_ptr<tok::Tokenizer> tok_;
  std::unique_ptr<model::Context> ctx_;
  std::optional<chat::ChatTemplate> template_;
  std::vector<int32_t> eog_;
};

}  // namespace ls::runtime
