// GGUF v3 writer. The layout mirrors what the reader expects: header, metadata, tensor infos,
// padding to the alignment, then each tensor's bytes padded to the alignment.
#include "gguf/gguf_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unordered_set>

namespace ls::gguf {
namespace {

constexpr uint32_t kMagic = 0x46554747;
constexpr std::string_view kAlignmentKey = "general.alignment";

// Appends little-endian bytes (the hosts we target are little-endian, as GGUF is).
struct Sink {
  std::vector<uint8_t>& out;
  // resize + memcpy rather than insert: GCC 12 reports a false stringop-overflow on the latter.
  void raw(const void* p, size_t n) {
    if (n == 0) return;
    const size_t at = out.size();
    out.resize(at + n);
    std::memcpy(out.data() + at, p, n);
  }
  template <class T>
  void pod(T v) {
    raw(&v, sizeof(T));
  }
  void str(const std::string& s) {
    pod<uint64_t>(s.size());
    raw(s.data(), s.size());
  }
  void value_body(const Value& v) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::string>) {
            str(x);
          } else if constexpr (std::is_same_v<T, Array>) {
            pod<uint32_t>(static_cast<uint32_t>(x.element_type));
            pod<uint64_t>(x.items.size());
            for (const Value& item : x.items) value_body(item);
          } else if constexpr (std::is_same_v<T, bool>) {
            pod<uint8_t>(x ? 1 : 0);
          } else {
            pod<T>(x);
          }
        },
        v.storage());
  }
};

uint64_t pad_to(uint64_t n, uint64_t align) { return (align - n % align) % align; }

// Arrays must be homogeneous: every item has the declared element type (checked recursively).
bool homogeneous(const Value& v) {
  if (!v.is_array()) return true;
  const Array& a = v.as_array();
  for (const Value& item : a.items) {
    if (item.type() != a.element_type || !homogeneous(item)) return false;
  }
  return true;
}

}  // namespace

void Writer::set(const std::string& key, Value v) {
  for (auto& kv : kv_) {
    if (kv.first == key) {
      kv.second = std::move(v);
      return;
    }
  }
  kv_.emplace_back(key, std::move(v));
}

Status Writer::add_tensor(const std::string& name, GgmlType type, std::vector<int64_t> ne, std::vector<uint8_t> bytes) {
  const uint64_t n = bytes.size();
  LS_TRY(add_tensor_ref(name, type, std::move(ne), nullptr, n));
  tensors_.back().owned = std::move(bytes);
  return {};
}

Status Writer::add_tensor_ref(const std::string& name, GgmlType type, std::vector<int64_t> ne, const uint8_t* bytes,
                              uint64_t nbytes) {
  const std::string tn = "tensor '" + name + "'";
  if (!type_traits(static_cast<uint32_t>(type))) {
    return Error::invalid(tn + ": unknown tensor type " + std::to_string(static_cast<uint32_t>(type)));
  }
  for (const auto& t : tensors_) {
    if (t.name == name) return Error::invalid("duplicate tensor name '" + name + "'");
  }
  if (ne.size() > 4) return Error::invalid(tn + ": n_dims " + std::to_string(ne.size()) + " > 4");
  uint64_t product = 1;
  for (int64_t d : ne) {
    if (d < 0) return Error::invalid(tn + ": negative dimension " + std::to_string(d));
    if (__builtin_mul_overflow(product, static_cast<uint64_t>(d), &product) || product > INT64_MAX) {
      return Error::invalid(tn + ": dimension product overflows int64");
    }
  }
  const int64_t ne0 = ne.empty() ? 1 : ne[0];
  auto rb = row_bytes(type, ne0);
  if (!rb) {
    return Error::invalid(tn + ": row size " + std::to_string(ne0) + " is not a multiple of the block size " +
                          std::to_string(traits(type).block_size) + " of type " + std::string(type_name(type)));
  }
  const uint64_t expected = ne0 == 0 ? 0 : *rb * (product / static_cast<uint64_t>(ne0));
  if (expected != nbytes) {
    return Error::invalid(tn + ": " + std::to_string(nbytes) + " bytes given, the shape and type need " +
                          std::to_string(expected));
  }
  tensors_.push_back(PendingTensor{name, type, std::move(ne), {}, bytes, nbytes});
  return {};
}

Status Writer::add_tensor_deferred(const std::string& name, GgmlType type, std::vector<int64_t> ne) {
  uint64_t product = 1;
  for (int64_t d : ne) product *= d < 0 ? 0 : static_cast<uint64_t>(d);
  const int64_t ne0 = ne.empty() ? 1 : ne[0];
  const auto rb = row_bytes(type, ne0);
  const uint64_t nbytes = rb && ne0 > 0 ? *rb * (product / static_cast<uint64_t>(ne0)) : 0;
  LS_TRY(add_tensor_ref(name, type, std::move(ne), nullptr, nbytes));
  tensors_.back().deferred = true;
  return {};
}

uint64_t Writer::header(std::vector<uint8_t>& out) const {
  // An explicit general.alignment key wins; a non-default constructor alignment adds the key.
  uint64_t align = alignment_;
  bool has_key = false;
  for (const auto& [k, v] : kv_) {
    if (k == kAlignmentKey) {
      has_key = true;
      if (auto a = v.to_uint(); a && *a != 0 && (*a & (*a - 1)) == 0) align = *a;
    }
  }
  if (align == 0 || (align & (align - 1)) != 0) align = 32;
  const bool add_key = !has_key && align != 32;

  Sink s{out};
  s.pod<uint32_t>(kMagic);
  s.pod<uint32_t>(3);
  s.pod<uint64_t>(tensors_.size());
  s.pod<uint64_t>(kv_.size() + (add_key ? 1 : 0));
  auto put_kv = [&](const std::string& k, const Value& v) {
    s.str(k);
    s.pod<uint32_t>(static_cast<uint32_t>(v.type()));
    s.value_body(v);
  };
  for (const auto& [k, v] : kv_) put_kv(k, v);
  if (add_key) put_kv(std::string(kAlignmentKey), Value(static_cast<uint32_t>(align)));
  uint64_t offset = 0;
  for (const auto& t : tensors_) {
    s.str(t.name);
    s.pod<uint32_t>(static_cast<uint32_t>(t.ne.size()));
    for (int64_t d : t.ne) s.pod<uint64_t>(static_cast<uint64_t>(d));
    s.pod<uint32_t>(static_cast<uint32_t>(t.type));
    s.pod<uint64_t>(offset);
    offset += t.nbytes + pad_to(t.nbytes, align);
  }
  if (!tensors_.empty()) out.resize(out.size() + pad_to(out.size(), align), 0);
  return align;
}

std::vector<uint8_t> Writer::to_bytes() const {
  std::vector<uint8_t> out;
  const uint64_t align = header(out);
  Sink s{out};
  for (const auto& t : tensors_) {
    if (t.deferred) {
      out.resize(out.size() + t.nbytes, 0);  // no source here: deferred tensors read as zeros
    } else {
      s.raw(t.ref != nullptr ? t.ref : t.owned.data(), t.nbytes);
    }
    out.resize(out.size() + pad_to(t.nbytes, align), 0);
  }
  return out;
}

Status Writer::write(const std::string& path, const TensorSource& source) const {
  for (const auto& [k, v] : kv_) {
    if (!homogeneous(v)) return Error::invalid(path + ": metadata key '" + k + "': array items differ from its element type");
  }
  std::vector<uint8_t> head;
  const uint64_t align = header(head);
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return Error::io(tmp + ": cannot create: " + std::strerror(errno));
  static const uint8_t kZeros[4096] = {};
  auto put = [&](const void* p, size_t n) { return n == 0 || std::fwrite(p, 1, n, f) == n; };
  bool ok = put(head.data(), head.size());
  Status produced;
  std::vector<uint8_t> buffer;
  for (size_t i = 0; i < tensors_.size(); ++i) {
    const PendingTensor& t = tensors_[i];
    if (!ok) break;
    if (t.deferred) {
      buffer.clear();
      if (!source) {
        produced = Error::invalid("tensor '" + t.name + "' is deferred but write() was given no source");
      } else if (produced = source(i, buffer); produced.ok() && buffer.size() != t.nbytes) {
        produced = Error::invalid("tensor '" + t.name + "': the source gave " + std::to_string(buffer.size()) +
                                  " bytes, the shape and type need " + std::to_string(t.nbytes));
      }
      if (!produced.ok()) break;
      ok = put(buffer.data(), t.nbytes);
    } else {
      ok = put(t.ref != nullptr ? t.ref : t.owned.data(), t.nbytes);
    }
    for (uint64_t pad = pad_to(t.nbytes, align); ok && pad > 0;) {
      const size_t n = pad < sizeof kZeros ? static_cast<size_t>(pad) : sizeof kZeros;
      ok = put(kZeros, n);
      pad -= n;
    }
  }
  ok = ok && std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
  const int err = errno;
  if (!produced.ok()) {
    std::fclose(f);
    std::remove(tmp.c_str());
    return produced;
  }
  if (std::fclose(f) != 0 || !ok) {
    std::remove(tmp.c_str());
    return Error::io(tmp + ": cannot write: " + std::strerror(err));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    std::remove(tmp.c_str());
    return Error::io(path + ": cannot rename the temporary file into place: " + std::strerror(e));
  }
  return {};
}

}  // namespace ls::gguf
