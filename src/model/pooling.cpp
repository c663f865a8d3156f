#include "model/pooling.h"

#include <array>
#include <cmath>
#include <cstring>

namespace ls::model {
namespace {

constexpr std::array<std::string_view, 5> kNames = {"none", "mean", "cls", "last", "rank"};

}  // namespace

std::string_view pooling_name(Pooling p) {
  const auto i = static_cast<size_t>(p);
  return i < kNames.size() ? kNames[i] : std::string_view("unknown");
}

std::optional<Pooling> pooling_from_name(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Pooling>(i);
  }
  return std::nullopt;
}

Result<Pooling> read_pooling(const gguf::File& f, const std::string& arch, Pooling fallback) {
  const std::string key = arch + ".pooling_type";
  LS_ASSIGN_OR_RETURN(int64_t v, f.get_int_or(key, static_cast<int64_t>(fallback)));
  if (v < 0 || v >= static_cast<int64_t>(kNames.size())) {
    return Error::invalid(f.path() + ": metadata key '" + key + "' = " + std::to_string(v) +
                          " is not a known pooling type (0 none, 1 mean, 2 cls, 3 last, 4 rank)");
  }
  return static_cast<Pooling>(v);
}

void pool_rows(Pooling p, const float* rows, int64_t n_rows, int64_t dim, float* out) {
  switch (p) {
    case Pooling::kCls:
      std::memcpy(out, rows, static_cast<size_t>(dim) * sizeof(float));
      return;
    case Pooling::kLast:
      std::memcpy(out, rows + (n_rows - 1) * dim, static_cast<size_t>(dim) * sizeof(float));
      return;
    case Pooling::kMean: {
      // ggml pools with a matmul by a 1/n column: each term is scaled before it is summed.
      const float inv = 1.0f / static_cast<float>(n_rows);
      for (int64_t i = 0; i < dim; ++i) out[i] = 0.0f;
      for (int64_t t = 0; t < n_rows; ++t) {
        const float* r = rows + t * dim;
        for (int64_t i = 0; i < dim; ++i) out[i] += r[i] * inv;
      }
      return;
    }
    case Pooling::kNone:
    case Pooling::kRank:
      break;
  }
  for (int64_t i = 0; i < dim; ++i) out[i] = 0.0f;
}

float l2_normalize(float* v, int64_t n) {
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(v[i]) * v[i];
  const double norm = std::sqrt(sum);
  if (norm > 0.0) {
    const float inv = static_cast<float>(1.0 / norm);
    for (int64_t i = 0; i < n; ++i) v[i] *= inv;
  }
  return static_cast<float>(norm);
}

}  // namespace ls::model
