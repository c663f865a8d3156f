// Memory read bandwidth, the denominator of decode's roofline: a streaming read over a buffer far
// larger than the caches, split over threads, best of several passes.
#pragma once

#include <cstddef>

#include "util/error.h"

namespace ls::tools {

// Bytes per second; buffer_bytes is allocated (and touched) once per call.
Result<double> read_bandwidth(int threads, size_t buffer_bytes = size_t{1} << 30, int passes = 5);

}  // namespace ls::tools
