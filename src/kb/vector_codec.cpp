#include "kb/vector_codec.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kb/enum_names.h"
#include "kb/vector_dot.h"
#include "kernels/fp16.h"

namespace ls::kb {

namespace {

constexpr EnumName<VectorEncoding> kEncodings[] = {{VectorEncoding::kF32, "f32"},
                                                   {VectorEncoding::kF16, "f16"},
                                                   {VectorEncoding::kI8, "int8"},
                                                   {VectorEncoding::kI8, "i8"}};

}  // namespace

Result<VectorEncoding> parse_vector_encoding(const std::string& name) {
  return parse_name(kEncodings, name, "vector encoding");
}
const char* vector_encoding_name(VectorEncoding e) { return name_of(kEncodings, e); }

size_t encoded_vector_bytes(VectorEncoding e, int dim) {
  const size_t d = static_cast<size_t>(dim);
  switch (e) {
    case VectorEncoding::kF16: return 2 * d;
    case VectorEncoding::kI8: return sizeof(float) + d;
    default: return 4 * d;
  }
}

void encode_vector(VectorEncoding e, const std::vector<float>& v, std::string& out) {
  double norm2 = 0;
  for (float x : v) norm2 += static_cast<double>(x) * x;
  const float inv = norm2 > 0 ? static_cast<float>(1.0 / std::sqrt(norm2)) : 0.0f;
  const size_t at = out.size();
  out.resize(at + encoded_vector_bytes(e, static_cast<int>(v.size())));
  char* p = out.data() + at;
  switch (e) {
    case VectorEncoding::kF32:
      for (size_t i = 0; i < v.size(); ++i) {
        float x = v[i] * inv;
        std::memcpy(p + 4 * i, &x, 4);
      }
      break;
    case VectorEncoding::kF16:
      for (size_t i = 0; i < v.size(); ++i) {
        uint16_t h = kernels::fp32_to_fp16(v[i] * inv);
        std::memcpy(p + 2 * i, &h, 2);
      }
      break;
    case VectorEncoding::kI8: {
      float amax = 0;
      for (float x : v) amax = std::max(amax, std::fabs(x * inv));
      const float scale = amax > 0 ? amax / 127.0f : 0.0f;
      std::memcpy(p, &scale, sizeof scale);
      for (size_t i = 0; i < v.size(); ++i) {
        const float q = scale > 0 ? std::nearbyint(v[i] * inv / scale) : 0.0f;
        p[sizeof(float) + i] = static_cast<char>(static_cast<int8_t>(std::clamp(q, -127.0f, 127.0f)));
      }
      break;
    }
  }
}

std::vector<float> decode_vector(VectorEncoding e, const void* data, int dim) {
  std::vector<float> v(static_cast<size_t>(dim));
  const char* p = static_cast<const char*>(data);
  switch (e) {
    case VectorEncoding::kF32: std::memcpy(v.data(), p, 4 * v.size()); break;
    case VectorEncoding::kF16:
      for (size_t i = 0; i < v.size(); ++i) {
        uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        v[i] = kernels::fp16_to_fp32(h);
      }
      break;
    case VectorEncoding::kI8: {
      float scale;
      std::memcpy(&scale, p, sizeof scale);
      for (size_t i = 0; i < v.size(); ++i) v[i] = scale * static_cast<int8_t>(p[sizeof(float) + i]);
      break;
    }
  }
  return v;
}

float encoded_dot(VectorEncoding e, const void* a, const void* b, int dim) {
  const VectorDotKernels& k = vector_dot();
  const size_t n = static_cast<size_t>(dim);
  switch (e) {
    case VectorEncoding::kF16:
      return k.dot_f16(static_cast<const uint16_t*>(a), static_cast<const uint16_t*>(b), n);
    case VectorEncoding::kI8: {
      float sa, sb;
      std::memcpy(&sa, a, sizeof sa);
      std::memcpy(&sb, b, sizeof sb);
      const auto* qa = reinterpret_cast<const int8_t*>(static_cast<const char*>(a) + sizeof(float));
      const auto* qb = reinterpret_cast<const int8_t*>(static_cast<const char*>(b) + sizeof(float));
      return sa * sb * static_cast<float>(k.dot_i8(qa, qb, n));
    }
    default: return k.dot_f32(static_cast<const float*>(a), static_cast<const float*>(b), n);
  }
}

Status check_vectors(const std::vector<std::vector<float>>& vs, size_t count, int dim, const std::string& model) {
  if (vs.size() != count)
    return Error::internal("embedding model '" + model + "' returned " + std::to_string(vs.size()) + " vectors for " +
                           std::to_string(count) + " texts");
  for (const auto& v : vs) {
    if (static_cast<int>(v.size()) != dim)
      return Error::internal("embedding model '" + model + "' returned a vector of " + std::to_string(v.size()) +
                             " values, expected its dimension " + std::to_string(dim));
    for (float x : v)
      if (!std::isfinite(x)) return Error::internal("embedding model '" + model + "' returned a non-finite value");
  }
  return {};
}

}  // namespace ls::kb
