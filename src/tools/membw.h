// Memory read bandwidth, the denominator of decode's roofline: a streaming read over a buffer far
// larger than the caches (1 GiB), split over the threads in equal contiguous runs, each read with
// software prefetch ahead as the decode kernels read weights, best of several passes. The best
// pass, not the mean, so that a pass disturbed by other load on a shared machine does not lower
// the bound; a run of `bench -m` measures before and after its repetitions and keeps the best.
#pragma once

#include <cstddef>

#include "util/error.h"

namespace ls::tools {

// Bytes per second; buffer_bytes is allocated (and touched) once per call.
Result<double> read_bandwidth(int threads, size_t buffer_bytes = size_t{1} << 30, int passes = 8);

}  // namespace ls::tools
