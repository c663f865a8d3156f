// A loaded decoder model: the mapped GGUF file, its architecture, hyper-parameters and resolved
// weights. Immutable after load and shared by every context (sequence) that runs it.
#pragma once

#include <memory>
#include <string>

#include "gguf/gguf_file.h"
#include "model/arch.h"
#include "model/hparams.h"
#include "model/weights.h"
#include "util/error.h"

namespace ls::model {

class Model {
 public:
  // Opens and maps the file, checks architecture, keys, tensor names, shapes and types.
  // Touches no weight data.
  static Result<std::shared_ptr<const Model>> load(const std::string& path);
  static Result<std::shared_ptr<const Model>> from_file(gguf::File file);

  const gguf::File& file() const { return file_; }
  const ArchSpec& arch() const { return *arch_; }
  const HParams& hparams() const { return hp_; }
  const ModelWeights& weights() const { return w_; }

 private:
  Model(gguf::File f) : file_(std::move(f)) {}
  gguf::File file_;
  const ArchSpec* arch_ = nullptr;
  HParams hp_;
  ModelWeights w_;
};

}  // namespace ls::model
