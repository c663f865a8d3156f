// How a collection stores its chunk vectors: f32 (exact), f16 (half the space, ~1e-3 relative
// error) or int8 (a quarter, one float scale per vector, ~1% error: fine for ranking). Vectors are
// L2-normalised before encoding, so a dot product is the cosine similarity.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "util/error.h"

namespace ls::kb {

enum class VectorEncoding { kF32, kF16, kI8 };
Result<VectorEncoding> parse_vector_encoding(const std::string& name);  // f32 | f16 | int8
const char* vector_encoding_name(VectorEncoding e);

// Bytes of one encoded vector of `dim` values (int8: a float scale, then dim int8 values).
size_t encoded_vector_bytes(VectorEncoding e, int dim);
// Normalises `v` (a zero vector stays zero) and encodes it; appends to `out`.
void encode_vector(VectorEncoding e, const std::vector<float>& v, std::string& out);
std::vector<float> decode_vector(VectorEncoding e, const void* data, int dim);
// Similarity of two encoded vectors of the same encoding (cosine for normalised inputs).
float encoded_dot(VectorEncoding e, const void* a, const void* b, int dim);

// Checks an embedder's output: `count` vectors of `dim` finite values.
Status check_vectors(const std::vector<std::vector<float>>& vs, size_t count, int dim, const std::string& model);

}  // namespace ls::kb
