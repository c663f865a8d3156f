// GGUF v2/v3 reader. The file is memory-mapped; metadata is parsed and validated eagerly (every
// length and count checked against the bytes left, so a hostile file can neither crash nor make us
// allocate much); tensor data stays in the mapping and is never copied.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "gguf/ggml_types.h"
#include "util/error.h"
#include "util/mapped_file.h"

namespace ls::gguf {

// GGUF metadata value types (on-disk ids).
enum class ValueType : uint32_t {
  UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7,
  STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12,
};
std::string_view value_type_name(ValueType t);

class Value;
struct Array {
  ValueType element_type = ValueType::UINT8;
  std::vector<Value> items;
  // Deep equality (element type and items); defined where Value is complete.
  friend bool operator==(const Array& a, const Array& b);
};

class Value {
 public:
  using Storage = std::variant<uint8_t, int8_t, uint16_t, int16_t, uint32_t, int32_t, float, bool,
                               std::string, Array, uint64_t, int64_t, double>;
  Value() : v_(uint8_t{0}) {}
  template <class T>
  Value(T x) : v_(std::move(x)) {}  // NOLINT(google-explicit-constructor)

  // Type id; the variant index equals the on-disk ValueType id.
  ValueType type() const { return static_cast<ValueType>(v_.index()); }
  const Storage& storage() const { return v_; }

  bool is_string() const { return type() == ValueType::STRING; }
  bool is_array() const { return type() == ValueType::ARRAY; }
  bool is_integer() const;  // any signed/unsigned integer type (not bool)
  bool is_number() const;   // integer or float

  const std::string& as_string() const { return std::get<std::string>(v_); }
  const Array& as_array() const { return std::get<Array>(v_); }
  bool as_bool() const { return std::get<bool>(v_); }
  // Numeric conversions; nullopt when the value is not numeric or does not fit.
  std::optional<int64_t> to_int() const;
  std::optional<uint64_t> to_uint() const;
  std::optional<double> to_double() const;

  // Compact human form, arrays abbreviated after `max_items` ("[1, 2, … (151936 items)]").
  std::string to_display(size_t max_items = 8) const;

  // Same type and same value (floats compare as numbers, so NaN != NaN).
  bool operator==(const Value& o) const { return v_ == o.v_; }

 private:
  Storage v_;
};

struct TensorInfo {
  std::string name;
  std::vector<int64_t> ne;   // dimensions, fastest-varying first (ggml order)
  GgmlType type = GgmlType::F32;
  uint64_t offset = 0;       // relative to the start of the data section
  uint64_t nbytes = 0;       // derived from type and ne
  const uint8_t* data = nullptr;  // inside the mapping (or the memory buffer)

  int64_t nelements() const;
  int64_t rows() const { return ne.empty() || ne[0] == 0 ? 0 : nelements() / ne[0]; }
};

struct ReadOptions {
  // Reject files with more than these; keeps a hostile header from asking for a huge allocation.
  uint64_t max_tensors = 1u << 20;
  uint64_t max_kv = 1u << 20;
  uint64_t max_string_bytes = 1u << 26;   // 64 MiB for one string (chat templates are KBs)
  uint64_t max_array_items = 1u << 26;
  uint32_t max_nesting = 8;
  // Items of all arrays together. Each item is a ~40-byte Value even when it took one byte on disk,
  // so this bounds the memory a hostile header can ask for (~320 MiB); the largest real vocabularies
  // (tokens + scores + types + merges) stay under 2M.
  uint64_t max_total_array_items = 1u << 23;
};

class File {
 public:
  // Opens, maps and validates. Errors name the file and the problem.
  static Result<File> open(const std::string& path, const ReadOptions& opts = {});
  // Parses a buffer that outlives the File (fuzzing, tests). `name` is used in error messages.
  static Result<File> parse(const uint8_t* data, size_t size, const std::string& name,
                            const ReadOptions& opts = {});

  const std::string& path() const { return name_; }
  uint32_t version() const { return version_; }
  uint64_t alignment() const { return alignment_; }
  uint64_t data_offset() const { return data_offset_; }  // start of the tensor data section
  size_t file_size() const { return size_; }
  const uint8_t* bytes() const { return base_; }

  // Metadata in file order.
  const std::vector<std::pair<std::string, Value>>& metadata() const { return kv_; }
  const Value* find(std::string_view key) const;
  // Typed getters; errors name the key and the type found.
  Result<std::string> get_string(std::string_view key) const;
  Result<int64_t> get_int(std::string_view key) const;
  Result<double> get_float(std::string_view key) const;
  Result<bool> get_bool(std::string_view key) const;
  const Array* get_array(std::string_view key) const;  // nullptr when absent or not an array
  // Whole arrays as plain vectors (vocabularies, scores, token types); errors name the key, the
  // element type found and, for a bad item, its index.
  Result<std::vector<std::string>> get_string_array(std::string_view key) const;
  Result<std::vector<int64_t>> get_int_array(std::string_view key) const;
  Result<std::vector<float>> get_float_array(std::string_view key) const;
  // Absent key → fallback; present with the wrong type → error.
  Result<int64_t> get_int_or(std::string_view key, int64_t fallback) const;
  Result<double> get_float_or(std::string_view key, double fallback) const;
  Result<std::string> get_string_or(std::string_view key, std::string fallback) const;
  Result<bool> get_bool_or(std::string_view key, bool fallback) const;

  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  const TensorInfo* find_tensor(std::string_view name) const;

  // `general.architecture`, or "" when missing.
  std::string architecture() const;

 private:
  std::shared_ptr<MappedFile> map_;  // null when parsing a caller's buffer
  std::string name_;
  const uint8_t* base_ = nullptr;
  size_t size_ = 0;
  uint32_t version_ = 0;
  uint64_t alignment_ = 32;
  uint64_t data_offset_ = 0;
  std::vector<std::pair<std::string, Value>> kv_;
  std::unordered_map<std::string, size_t> kv_index_;
  std::vector<TensorInfo> tensors_;
  std::unordered_map<std::string, size_t> tensor_index_;

  friend class Parser;
};

}  // namespace ls::gguf
