// GGUF parsing and validation. Every length and count is checked against the bytes left before
// anything is reserved, so the cost of a hostile header is bounded by its own size.
#include "gguf/gguf_file.h"

#include <cstring>
#include <limits>

namespace ls::gguf {

namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" read as little-endian u32
constexpr uint64_t kDefaultAlignment = 32;
constexpr uint32_t kMaxDims = 4;
constexpr std::string_view kAlignmentKey = "general.alignment";

// Smallest number of bytes one value of a type takes on disk; bounds counts before reserving.
uint64_t min_encoded_size(ValueType t) {
  switch (t) {
    case ValueType::UINT8: case ValueType::INT8: case ValueType::BOOL: return 1;
    case ValueType::UINT16: case ValueType::INT16: return 2;
    case ValueType::UINT32: case ValueType::INT32: case ValueType::FLOAT32: return 4;
    case ValueType::UINT64: case ValueType::INT64: case ValueType::FLOAT64: return 8;
    case ValueType::STRING: return 8;            // length
    case ValueType::ARRAY: return 12;            // element type + count
  }
  return 1;
}

bool valid_value_type(uint32_t t) { return t <= static_cast<uint32_t>(ValueType::FLOAT64); }

std::string quoted(std::string_view s) {
  // Names in messages come from the file: keep them short and printable.
  std::string out = "'";
  for (size_t i = 0; i < s.size() && i < 80; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  }
  if (s.size() > 80) out += "...";
  return out + "'";
}

// Names the field being read, for error messages only. Formatted lazily: reading a 150k-item array
// must not build a message string per item.
struct What {
  What(const char* f) : field(f) {}  // NOLINT(google-explicit-constructor)
  What(std::string_view f) : field(f) {}  // NOLINT(google-explicit-constructor)
  What(const std::string& f) : field(f) {}  // NOLINT(google-explicit-constructor)
  What(std::string_view f, const std::string& o, const char* kind = "key") : field(f), owner(&o), owner_kind(kind) {}
  std::string str() const {
    return owner == nullptr ? std::string(field) : std::string(field) + " of " + owner_kind + " " + quoted(*owner);
  }
  std::string_view field;
  const std::string* owner = nullptr;
  const char* owner_kind = "key";
};

}  // namespace

int64_t TensorInfo::nelements() const {
  int64_t n = 1;
  for (int64_t d : ne) n *= d;  // the parser rejects shapes whose product overflows
  return n;
}

class Parser {
 public:
  Parser(const uint8_t* data, size_t size, const ReadOptions& opts) : p_(data), size_(size), opts_(opts) {}

  Status run(File& f) {
    f.base_ = p_;
    f.size_ = size_;
    LS_ASSIGN_OR_RETURN(uint32_t magic, read_pod<uint32_t>("magic"));
    if (magic != kMagic) {
      return Error::invalid("bad magic: not a GGUF file (first bytes " + hex_prefix() + ", expected \"GGUF\")");
    }
    LS_ASSIGN_OR_RETURN(uint32_t version, read_pod<uint32_t>("version"));
    if (version == 1) return Error::unsupported("unsupported version 1 (GGUF v1 is obsolete; re-convert the model; versions 2 and 3 are supported)");
    if (version != 2 && version != 3) {
      if ((version & 0xFFFFu) == 0) {
        return Error::unsupported("unknown version " + std::to_string(version) +
                                  " (looks like a big-endian GGUF file; only little-endian is supported)");
      }
      return Error::unsupported("unknown version " + std::to_string(version) + " (supported: 2, 3)");
    }
    f.version_ = version;
    LS_ASSIGN_OR_RETURN(uint64_t n_tensors, read_pod<uint64_t>("tensor count"));
    LS_ASSIGN_OR_RETURN(uint64_t n_kv, read_pod<uint64_t>("metadata count"));
    if (n_tensors > opts_.max_tensors) {
      return Error::limit("tensor count " + std::to_string(n_tensors) + " exceeds the limit of " +
                          std::to_string(opts_.max_tensors));
    }
    if (n_kv > opts_.max_kv) {
      return Error::limit("metadata count " + std::to_string(n_kv) + " exceeds the limit of " +
                          std::to_string(opts_.max_kv));
    }
    // Each key-value takes >= 13 bytes, each tensor info >= 24.
    if (n_kv > remaining() / 13 || n_tensors > remaining() / 24 || n_kv * 13 + n_tensors * 24 > remaining()) {
      return fail("truncated: " + std::to_string(n_kv) + " metadata entries and " + std::to_string(n_tensors) +
                  " tensors cannot fit in the " + std::to_string(remaining()) + " bytes left (counts overflow the file)");
    }

    f.kv_.reserve(n_kv);
    for (uint64_t i = 0; i < n_kv; ++i) LS_TRY(read_kv(f, i));

    LS_TRY(read_alignment(f));

    f.tensors_.reserve(n_tensors);
    for (uint64_t i = 0; i < n_tensors; ++i) LS_TRY(read_tensor_info(f, i));

    return place_tensors(f);
  }

 private:
  size_t remaining() const { return size_ - pos_; }

  Error fail(const std::string& msg) const {
    return Error::invalid(msg + " (at byte offset " + std::to_string(pos_) + ")");
  }

  std::string hex_prefix() const {
    std::string s;
    char buf[4];
    for (size_t i = 0; i < 4 && i < size_; ++i) {
      std::snprintf(buf, sizeof buf, "%02x", p_[i]);
      if (i) s += ' ';
      s += buf;
    }
    return s.empty() ? "none" : s;
  }

  template <class T>
  Result<T> read_pod(const What& what) {
    if (remaining() < sizeof(T)) {
      return fail("truncated: file ends while reading " + what.str() + " (" + std::to_string(sizeof(T)) +
                  " bytes needed, " + std::to_string(remaining()) + " left)");
    }
    T v;
    std::memcpy(&v, p_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }

  Result<std::string> read_string(const What& what) {
    LS_ASSIGN_OR_RETURN(uint64_t len, read_pod<uint64_t>(what));
    if (len > opts_.max_string_bytes) {
      return Error::limit("string length " + std::to_string(len) + " of " + what.str() +
                          " exceeds the limit of " + std::to_string(opts_.max_string_bytes) + " bytes (at byte offset " +
                          std::to_string(pos_) + ")");
    }
    if (len > remaining()) {
      return fail("truncated: string length " + std::to_string(len) + " of " + what.str() +
                  " runs past the end of the file (" + std::to_string(remaining()) + " bytes left)");
    }
    std::string s(reinterpret_cast<const char*>(p_ + pos_), static_cast<size_t>(len));
    pos_ += len;
    return s;
  }

  Result<ValueType> read_value_type(const std::string& key) {
    LS_ASSIGN_OR_RETURN(uint32_t t, read_pod<uint32_t>(What("value type", key)));
    if (!valid_value_type(t)) return fail("unknown value type " + std::to_string(t) + " for key " + quoted(key));
    return static_cast<ValueType>(t);
  }

  template <class T>
  Result<Value> read_scalar(const std::string& key) {
    LS_ASSIGN_OR_RETURN(T v, read_pod<T>(What("value", key)));
    return Value(v);
  }

  Result<Value> read_value(ValueType t, uint32_t depth, const std::string& key) {
    switch (t) {
      case ValueType::UINT8: return read_scalar<uint8_t>(key);
      case ValueType::INT8: return read_scalar<int8_t>(key);
      case ValueType::UINT16: return read_scalar<uint16_t>(key);
      case ValueType::INT16: return read_scalar<int16_t>(key);
      case ValueType::UINT32: return read_scalar<uint32_t>(key);
      case ValueType::INT32: return read_scalar<int32_t>(key);
      case ValueType::FLOAT32: return read_scalar<float>(key);
      case ValueType::UINT64: return read_scalar<uint64_t>(key);
      case ValueType::INT64: return read_scalar<int64_t>(key);
      case ValueType::FLOAT64: return read_scalar<double>(key);
      case ValueType::BOOL: {
        LS_ASSIGN_OR_RETURN(uint8_t b, read_pod<uint8_t>(What("value", key)));
        if (b > 1) return fail("bool value " + std::to_string(b) + " of key " + quoted(key) + " is neither 0 nor 1");
        return Value(b == 1);
      }
      case ValueType::STRING: {
        LS_ASSIGN_OR_RETURN(std::string s, read_string(What("value", key)));
        return Value(std::move(s));
      }
      case ValueType::ARRAY: return read_array(depth + 1, key);
    }
    return fail("unknown value type for key " + quoted(key));
  }

  Result<Value> read_array(uint32_t depth, const std::string& key) {
    if (depth > opts_.max_nesting) {
      return Error::limit("arrays of key " + quoted(key) + " nest deeper than the limit of " +
                          std::to_string(opts_.max_nesting) + " (at byte offset " + std::to_string(pos_) + ")");
    }
    LS_ASSIGN_OR_RETURN(ValueType et, read_value_type(key));
    LS_ASSIGN_OR_RETURN(uint64_t n, read_pod<uint64_t>(What("array length", key)));
    if (n > opts_.max_array_items) {
      return Error::limit("array of key " + quoted(key) + " has " + std::to_string(n) + " items, over the limit of " +
                          std::to_string(opts_.max_array_items) + " (at byte offset " + std::to_string(pos_) + ")");
    }
    if (n > opts_.max_total_array_items - total_items_) {
      return Error::limit("array of key " + quoted(key) + " brings the file's array items over the limit of " +
                          std::to_string(opts_.max_total_array_items) + " (at byte offset " + std::to_string(pos_) + ")");
    }
    total_items_ += n;
    if (n > remaining() / min_encoded_size(et)) {
      return fail("truncated: array of key " + quoted(key) + " claims " + std::to_string(n) + " " +
                  std::string(value_type_name(et)) + " items, which run past the end of the file (" +
                  std::to_string(remaining()) + " bytes left)");
    }
    Array a;
    a.element_type = et;
    a.items.reserve(static_cast<size_t>(n));
    for (uint64_t i = 0; i < n; ++i) {
      LS_ASSIGN_OR_RETURN(Value v, read_value(et, depth, key));
      a.items.push_back(std::move(v));
    }
    return Value(std::move(a));
  }

  Status read_kv(File& f, uint64_t i) {
    const std::string what = "key of metadata entry " + std::to_string(i);
    LS_ASSIGN_OR_RETURN(std::string key, read_string(what));
    LS_ASSIGN_OR_RETURN(ValueType t, read_value_type(key));
    LS_ASSIGN_OR_RETURN(Value v, read_value(t, 0, key));
    if (!f.kv_index_.emplace(key, f.kv_.size()).second) return fail("duplicate key " + quoted(key));
    f.kv_.emplace_back(std::move(key), std::move(v));
    return {};
  }

  Status read_alignment(File& f) {
    f.alignment_ = kDefaultAlignment;
    const Value* v = f.find(kAlignmentKey);
    if (v == nullptr) return {};
    auto a = v->to_uint();
    if (!v->is_integer() || !a) {
      return Error::invalid("alignment: key general.alignment must be a non-negative integer, found " +
                            std::string(value_type_name(v->type())) + " " + v->to_display());
    }
    // ggml stores it as uint32; larger values cannot be meant and would overflow the padding maths.
    if (*a == 0 || (*a & (*a - 1)) != 0 || *a > (1u << 30)) {
      return Error::invalid("alignment: general.alignment = " + std::to_string(*a) +
                            " is not a non-zero power of two (at most 2^30)");
    }
    f.alignment_ = *a;
    return {};
  }

  Status read_tensor_info(File& f, uint64_t i) {
    const std::string what = "name of tensor " + std::to_string(i);
    LS_ASSIGN_OR_RETURN(std::string name, read_string(what));
    const std::string tn = "tensor " + quoted(name);
    LS_ASSIGN_OR_RETURN(uint32_t n_dims, read_pod<uint32_t>(What("n_dims", name, "tensor")));
    if (n_dims > kMaxDims) {
      return fail(tn + ": n_dims " + std::to_string(n_dims) + " > " + std::to_string(kMaxDims));
    }
    TensorInfo t;
    t.ne.resize(n_dims);
    uint64_t product = 1;
    for (uint32_t d = 0; d < n_dims; ++d) {
      LS_ASSIGN_OR_RETURN(uint64_t ne, read_pod<uint64_t>(What("dimension", name, "tensor")));
      if (ne > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return fail(tn + ": negative dimension " + std::to_string(static_cast<int64_t>(ne)));
      }
      if (__builtin_mul_overflow(product, ne, &product) ||
          product > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return fail(tn + ": dimension product overflows int64");
      }
      t.ne[d] = static_cast<int64_t>(ne);
    }
    LS_ASSIGN_OR_RETURN(uint32_t type_id, read_pod<uint32_t>(What("type", name, "tensor")));
    auto tr = type_traits(type_id);
    if (!tr) return fail(tn + ": unknown tensor type " + std::to_string(type_id));
    t.type = tr->type;
    LS_ASSIGN_OR_RETURN(t.offset, read_pod<uint64_t>(What("data offset", name, "tensor")));

    const int64_t ne0 = n_dims == 0 ? 1 : t.ne[0];
    if (ne0 % tr->block_size != 0) {
      return fail(tn + ": row size " + std::to_string(ne0) + " is not a multiple of the block size " +
                  std::to_string(tr->block_size) + " of type " + std::string(tr->name));
    }
    // One row must have a byte size even when another dimension is 0 and the tensor holds nothing:
    // everything that walks rows (the writer, the loaders) computes it.
    uint64_t row_bytes = 0;
    if (__builtin_mul_overflow(static_cast<uint64_t>(ne0) / tr->block_size, static_cast<uint64_t>(tr->type_size),
                               &row_bytes)) {
      return fail(tn + ": byte size of one row of " + std::to_string(ne0) + " elements overflows uint64");
    }
    // product is a multiple of ne0, which is a multiple of the block size.
    if (__builtin_mul_overflow(product / tr->block_size, static_cast<uint64_t>(tr->type_size), &t.nbytes)) {
      return fail(tn + ": byte size overflows uint64");
    }

    if (!f.tensor_index_.emplace(name, f.tensors_.size()).second) return fail("duplicate tensor name " + quoted(name));
    t.name = std::move(name);
    f.tensors_.push_back(std::move(t));
    return {};
  }

  Status place_tensors(File& f) {
    const uint64_t end_of_header = pos_;
    uint64_t data_offset = end_of_header + (f.alignment_ - end_of_header % f.alignment_) % f.alignment_;
    f.data_offset_ = data_offset;
    if (f.tensors_.empty()) return {};
    if (data_offset > size_) {
      return Error::invalid("truncated: tensor data section would start at byte " + std::to_string(data_offset) +
                            ", past the end of the file (" + std::to_string(size_) + " bytes)");
    }
    const uint64_t data_size = size_ - data_offset;
    for (TensorInfo& t : f.tensors_) {
      const std::string tn = "tensor " + quoted(t.name);
      if (t.offset % f.alignment_ != 0) {
        return Error::invalid(tn + ": data offset " + std::to_string(t.offset) + " is misaligned (not a multiple of " +
                              "the alignment " + std::to_string(f.alignment_) + ")");
      }
      if (t.offset > data_size || t.nbytes > data_size - t.offset) {
        return Error::invalid(tn + ": data out of bounds: " + std::to_string(t.nbytes) + " bytes at data offset " +
                              std::to_string(t.offset) + " run past the end of the file (data section holds " +
                              std::to_string(data_size) + " bytes; truncated?)");
      }
      t.data = p_ + data_offset + t.offset;
    }
    return {};
  }

  const uint8_t* p_;
  size_t size_;
  size_t pos_ = 0;
  uint64_t total_items_ = 0;  // array items read so far, against max_total_array_items
  const ReadOptions& opts_;
};

Result<File> File::parse(const uint8_t* data, size_t size, const std::string& name, const ReadOptions& opts) {
  File f;
  f.name_ = name;
  if (data == nullptr) size = 0;
  static const uint8_t kEmpty = 0;
  Parser p(data != nullptr ? data : &kEmpty, size, opts);
  Status s = p.run(f);
  if (!s.ok()) return s.error().with_context(name);
  return f;
}

Result<File> File::open(const std::string& path, const ReadOptions& opts) {
  auto m = MappedFile::open(path);
  if (!m.ok()) return m.error();
  auto map = std::make_shared<MappedFile>(std::move(m).value());
  auto f = parse(map->data(), map->size(), path, opts);
  if (!f.ok()) return f.error();
  f->map_ = std::move(map);
  return f;
}

const Value* File::find(std::string_view key) const {
  auto it = kv_index_.find(std::string(key));
  return it == kv_index_.end() ? nullptr : &kv_[it->second].second;
}

const TensorInfo* File::find_tensor(std::string_view name) const {
  auto it = tensor_index_.find(std::string(name));
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

namespace {

Error missing(const std::string& file, std::string_view key) {
  return Error::not_found(file + ": metadata key '" + std::string(key) + "' is missing");
}

Error wrong_type(const std::string& file, std::string_view key, const Value& v, std::string_view expected) {
  return Error::invalid(file + ": metadata key '" + std::string(key) + "' is " +
                        std::string(value_type_name(v.type())) + ", expected " + std::string(expected));
}

}  // namespace

Result<std::string> File::get_string(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr) return missing(name_, key);
  if (!v->is_string()) return wrong_type(name_, key, *v, "a string");
  return v->as_string();
}

Result<int64_t> File::get_int(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr) return missing(name_, key);
  if (!v->is_integer()) return wrong_type(name_, key, *v, "an integer");
  auto i = v->to_int();
  if (!i) return Error::invalid(name_ + ": metadata key '" + std::string(key) + "' = " + v->to_display() + " does not fit in int64");
  return *i;
}

Result<double> File::get_float(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr) return missing(name_, key);
  if (!v->is_number()) return wrong_type(name_, key, *v, "a number");
  return *v->to_double();
}

Result<bool> File::get_bool(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr) return missing(name_, key);
  if (v->type() != ValueType::BOOL) return wrong_type(name_, key, *v, "a bool");
  return v->as_bool();
}

const Array* File::get_array(std::string_view key) const {
  const Value* v = find(key);
  return v != nullptr && v->is_array() ? &v->as_array() : nullptr;
}

namespace {

// Converts every item of an array with `conv` (nullopt = wrong type); shared by the typed array getters.
template <class T, class Conv>
Result<std::vector<T>> convert_array(const File& f, std::string_view key, std::string_view expected, Conv conv) {
  const Value* v = f.find(key);
  if (v == nullptr) return missing(f.path(), key);
  if (!v->is_array()) return wrong_type(f.path(), key, *v, std::string("an array of ") + std::string(expected));
  const Array& a = v->as_array();
  std::vector<T> out;
  out.reserve(a.items.size());
  for (size_t i = 0; i < a.items.size(); ++i) {
    std::optional<T> x = conv(a.items[i]);
    if (!x) {
      return Error::invalid(f.path() + ": metadata key '" + std::string(key) + "' is an array of " +
                            std::string(value_type_name(a.element_type)) + ", expected " + std::string(expected) +
                            " (item " + std::to_string(i) + ")");
    }
    out.push_back(std::move(*x));
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> File::get_string_array(std::string_view key) const {
  return convert_array<std::string>(*this, key, "strings", [](const Value& v) -> std::optional<std::string> {
    if (!v.is_string()) return std::nullopt;
    return v.as_string();
  });
}

Result<std::vector<int64_t>> File::get_int_array(std::string_view key) const {
  return convert_array<int64_t>(*this, key, "integers", [](const Value& v) -> std::optional<int64_t> {
    return v.is_integer() ? v.to_int() : std::nullopt;
  });
}

Result<std::vector<float>> File::get_float_array(std::string_view key) const {
  return convert_array<float>(*this, key, "numbers", [](const Value& v) -> std::optional<float> {
    auto d = v.to_double();
    if (!d) return std::nullopt;
    return static_cast<float>(*d);
  });
}

Result<int64_t> File::get_int_or(std::string_view key, int64_t fallback) const {
  return find(key) == nullptr ? Result<int64_t>(fallback) : get_int(key);
}

Result<double> File::get_float_or(std::string_view key, double fallback) const {
  return find(key) == nullptr ? Result<double>(fallback) : get_float(key);
}

Result<std::string> File::get_string_or(std::string_view key, std::string fallback) const {
  return find(key) == nullptr ? Result<std::string>(std::move(fallback)) : get_string(key);
}

Result<bool> File::get_bool_or(std::string_view key, bool fallback) const {
  return find(key) == nullptr ? Result<bool>(fallback) : get_bool(key);
}

std::string File::architecture() const {
  const Value* v = find("general.architecture");
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

}  // namespace ls::gguf
