// What this CPU can do, detected once at run time (kernels choose their SIMD variant from it).
#pragma once

#include <string>

namespace ls {

struct CpuFeatures {
  bool sse42 = false, avx = false, avx2 = false, fma = false, f16c = false;
  bool avx512f = false, avx512bw = false, avx512vl = false, avx512vnni = false, avx512bf16 = false;
  bool avxvnni = false;
  bool neon = false, dotprod = false;
  std::string summary() const;  // "avx2 fma f16c avx512f ..."
};

const CpuFeatures& cpu_features();

}  // namespace ls
