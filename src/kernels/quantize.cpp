#include "kernels/quantize.h"

#include <algorithm>
#include <string>

namespace ls::kernels {

Result<size_t> quantize_rows(GgmlType type, const float* src, int64_t n_rows, int64_t n_per_row, void* dst,
                             ThreadPool* pool) {
  const TypeKernels* k = kernels_for(type, Isa::kScalar);
  if (k == nullptr || k->quantize_row == nullptr || k->vec_dot == nullptr) {
    return Error::unsupported("quantize: no quantiser for type id " + std::to_string(static_cast<uint32_t>(type)));
  }
  if (n_rows < 0 || n_per_row <= 0 || n_per_row % k->block_size != 0) {
    return Error::invalid("quantize: row length " + std::to_string(n_per_row) + " is not a positive multiple of " +
                          std::to_string(k->block_size));
  }
  if ((src == nullptr || dst == nullptr) && n_rows > 0) return Error::invalid("quantize: null pointer");
  // The best ISA's quantiser where it has one: every variant writes identical bytes (tested).
  const QuantizeRowFn quantize = kernels(type)->quantize_row;
  const size_t rs = row_size(type, n_per_row);
  auto* out = static_cast<uint8_t*>(dst);
  // Blocks of rows per task keep the hand-out cheap for small rows.
  const int64_t rows_per_task = std::max<int64_t>(1, 65536 / n_per_row);
  const int64_t n_tasks = (n_rows + rows_per_task - 1) / rows_per_task;
  auto run = [&](int task, int) {
    const int64_t r0 = task * rows_per_task, r1 = std::min(n_rows, r0 + rows_per_task);
    for (int64_t r = r0; r < r1; ++r) quantize(src + r * n_per_row, out + static_cast<size_t>(r) * rs, n_per_row);
  };
  if (pool != nullptr) {
    pool->parallel_for(static_cast<int>(n_tasks), run);
  } else {
    for (int64_t t = 0; t < n_tasks; ++t) run(static_cast<int>(t), 0);
  }
  return rs * static_cast<size_t>(n_rows);
}

}  // namespace ls::kernels
