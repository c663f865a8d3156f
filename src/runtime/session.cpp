#include "runtime/session.h"

#include "runtime/stop.h"
#include "util/strings.h"

namespace ls::runtime {

Result<std::unique_ptr<Session>> Session::open(const SessionOptions& opts) {
  std::unique_ptr<Session> s(new Session());
  LS_ASSIGN_OR_RETURN(s->model_, model::Model::load(opts.model_path));
  auto tok = tok::Tokenizer::from_gguf(s->model_->file());
  if (!tok.ok()) return tok.error().with_context(opts.model_path);
  s->tok_ = std::make_unique<tok::Tokenizer>(std::move(tok).value());
  s->eog_ = end_of_generation_ids(s->model_->file(), *s->tok_);
  std::string source;
  if (!opts.chat_template_path.empty()) {
    LS_ASSIGN_OR_RETURN(source, read_file(opts.chat_template_path));
  } else if (const gguf::Value* v = s->model_->file().find("tokenizer.chat_template"); v && v->is_string()) {
    source = v->as_string();
  }
  if (!source.empty()) {
    auto t = chat::ChatTemplate::parse(source);
    if (!t.ok()) return t.error().with_context("chat template");
    s->template_.emplace(std::move(t).value());
  }
  if (opts.create_context) {
    LS_ASSIGN_OR_RETURN(s->ctx_, model::Context::create(s->model_, opts.context));
  }
  return s;
}

Result<std::vector<int32_t>> Session::tokenize_prompt(std::string_view text) const {
  return tok_->tokenize(text, tok::TokenizeOptions{});
}

Result<std::vector<int32_t>> Session::chat_prompt(const nlohmann::ordered_json& messages,
                                                  std::string* rendered) const {
  if (!template_) {
    return Error::unsupported(model_->file().path() +
                              " has no chat template (tokenizer.chat_template); pass one with "
                              "--chat-template FILE");
  }
  const tok::Vocab& v = tok_->vocab();
  const std::string bos = v.valid(v.bos) ? std::string(tok_->piece(v.bos, true)) : "";
  const std::string eos = v.valid(v.eos) ? std::string(tok_->piece(v.eos, true)) : "";
  LS_ASSIGN_OR_RETURN(std::string text, template_->render(messages, /*add_generation_prompt=*/true,
                                                          nullptr, bos, eos));
  tok::TokenizeOptions o;
  // Templates usually write the BOS text themselves; do not add a second one.
  o.add_special = bos.empty() || !starts_with(text, bos);
  if (rendered != nullptr) *rendered = text;
  return tok_->tokenize(text, o);
}

}  // namespace ls::runtime
