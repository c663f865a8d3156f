#include "model/model.h"

namespace ls::model {

Result<std::shared_ptr<const Model>> Model::load(const std::string& path) {
  LS_ASSIGN_OR_RETURN(gguf::File f, gguf::File::open(path));
  return from_file(std::move(f));
}

Result<std::shared_ptr<const Model>> Model::from_file(gguf::File file) {
  std::shared_ptr<Model> m(new Model(std::move(file)));
  const std::string arch_name = m->file_.architecture();
  m->arch_ = find_arch(arch_name);
  if (m->arch_ == nullptr) {
    return Error::unsupported(m->file_.path() + ": architecture '" + arch_name +
                              "' is not supported for text generation; supported: " +
                              supported_arch_names());
  }
  auto hp = read_hparams(m->file_, *m->arch_);
  if (!hp.ok()) return hp.error().with_context(m->file_.path());
  m->hp_ = std::move(hp).value();
  const gguf::TensorInfo* embd = m->file_.find_tensor("token_embd.weight");
  if (embd == nullptr || embd->ne.size() != 2) {
    return Error::invalid(m->file_.path() + ": tensor 'token_embd.weight' is missing or not 2-D");
  }
  if (embd->ne[1] < 1 || embd->ne[1] > (1 << 24)) {
    return Error::invalid(m->file_.path() + ": vocabulary size " + std::to_string(embd->ne[1]) +
                          " (token_embd.weight rows) is out of range");
  }
  m->hp_.n_vocab = static_cast<int>(embd->ne[1]);
  LS_ASSIGN_OR_RETURN(m->w_, resolve_weights(m->file_, m->hp_, *m->arch_));
  return std::shared_ptr<const Model>(std::move(m));
}

}  // namespace ls::model
