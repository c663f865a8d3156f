// TEST DOUBLE — not a language model and not used by any production path. A deterministic
// Embedder for tests and benchmarks of the vector machinery when no embedding weights exist:
// each text becomes a bag of hashed character n-grams (case-folded ASCII; UTF-8 code points
// counted as characters), so texts sharing words or Chinese characters are near and unrelated
// texts are nearly orthogonal. The same text always gives the same vector; the model id includes
// the dimension and a salt, so two instances with different settings count as different models.
#pragma once

#include <string>
#include <vector>

#include "kb/embedder.h"

namespace ls::kb {

class HashedEmbedder : public Embedder {
 public:
  explicit HashedEmbedder(int dimension = 64, std::string salt = "") : dim_(dimension), salt_(std::move(salt)) {}
  std::string model_id() const override { return "test-hashed-ngrams-" + std::to_string(dim_) + salt_; }
  int dimension() const override { return dim_; }
  Result<std::vector<std::vector<float>>> embed(const std::vector<std::string>& texts, EmbedPurpose purpose) override;

  // Texts embedded so far (tests check incremental re-embedding with it).
  size_t calls() const { return calls_; }
  size_t texts_embedded() const { return texts_; }

 private:
  int dim_;
  std::string salt_;
  size_t calls_ = 0, texts_ = 0;
};

}  // namespace ls::kb
