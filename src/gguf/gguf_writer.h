// GGUF v3 writer for tools (quantize, gen-model) and tests. Round-trips everything File reads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"

namespace ls::gguf {

class Writer {
 public:
  explicit Writer(uint64_t alignment = 32) : alignment_(alignment) {}

  // Adds or replaces a key (file order = first insertion order).
  void set(const std::string& key, Value v);
  // Tensor data is copied into the writer (or referenced with add_tensor_ref, for large files
  // where the caller keeps the bytes alive until write()).
  Status add_tensor(const std::string& name, GgmlType type, std::vector<int64_t> ne,
                    std::vector<uint8_t> bytes);
  Status add_tensor_ref(const std::string& name, GgmlType type, std::vector<int64_t> ne,
                        const uint8_t* bytes, uint64_t nbytes);

  // A tensor whose bytes are produced only while writing (by the source given to write()), so
  // tools can generate or convert a model one tensor at a time without holding it in memory.
  Status add_tensor_deferred(const std::string& name, GgmlType type, std::vector<int64_t> ne);
  // Fills `bytes` with deferred tensor `index` (its position among all tensors added), exactly the
  // size its shape and type need.
  using TensorSource = std::function<Status(size_t index, std::vector<uint8_t>& bytes)>;

  // Writes to path atomically (temp file + rename), so a crash never leaves half a model. Tensor
  // data is streamed, never gathered in memory. Arrays must be homogeneous (checked).
  Status write(const std::string& path) const { return write(path, nullptr); }
  Status write(const std::string& path, const TensorSource& source) const;
  // The whole file in memory (tests, fuzzing); same bytes as write().
  std::vector<uint8_t> to_bytes() const;

 private:
  // Everything before the tensor data, padded to the alignment; returns the alignment used.
  uint64_t header(std::vector<uint8_t>& out) const;

  struct PendingTensor {
    std::string name;
    GgmlType type;
    std::vector<int64_t> ne;
    std::vector<uint8_t> owned;
    const uint8_t* ref = nullptr;
    uint64_t nbytes = 0;
    bool deferred = false;
  };
  uint64_t alignment_;
  std::vector<std::pair<std::string, Value>> kv_;
  std::vector<PendingTensor> tensors_;
};

}  // namespace ls::gguf
