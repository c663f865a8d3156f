// Against llama.cpp's own output: tiny-qwen2-f32.gguf is the F32 source of every
// tiny-qwen2-<type>.gguf (quantised by llama.cpp without imatrix). Quantising a source tensor with
// our reference quantiser must give the bytes of the same tensor in the quantised file, and
// dequantising the quantised tensor must stay within the type's error bound of the source.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <ostream>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "kernels/kernels.h"
#include "kernels/quantize.h"
#include "test_support.h"
#include "util/thread_pool.h"

namespace ls::kernels {
namespace {

struct TensorResult {
  int tensors = 0;
  int exact = 0;
  int64_t blocks = 0;
  int64_t blocks_differing = 0;
  double worst_rel_rms = 0;  // dequantised vs source
};

// Compares every tensor of type `only_type` in `quant_stem` with the same tensor of the F32 source.
TensorResult compare_file(const std::string& source_stem, const std::string& quant_stem, GgmlType only_type) {
  TensorResult res;
  auto src = gguf::File::open(test::shared_path("models/" + source_stem + ".gguf"));
  auto dst = gguf::File::open(test::shared_path("models/" + quant_stem + ".gguf"));
  EXPECT_TRUE(src.ok() && dst.ok());
  if (!src.ok() || !dst.ok()) return res;
  for (const gguf::TensorInfo& q : dst->tensors()) {
    if (q.type != only_type) continue;
    const gguf::TensorInfo* f = src->find_tensor(q.name);
    EXPECT_NE(f, nullptr) << q.name;
    if (f == nullptr || f->type != GgmlType::F32) continue;
    const TypeKernels* k = kernels_for(q.type, Isa::kScalar);
    EXPECT_NE(k, nullptr) << q.name;
    if (k == nullptr) continue;
    const int64_t n = q.nelements();
    EXPECT_EQ(f->nelements(), n);
    std::vector<float> x(static_cast<size_t>(n));
    std::memcpy(x.data(), f->data, static_cast<size_t>(n) * sizeof(float));
    std::vector<uint8_t> mine(q.nbytes);
    static ThreadPool pool(2);
    const auto written = quantize_rows(q.type, x.data(), q.rows(), q.ne[0], mine.data(), &pool);
    EXPECT_TRUE(written.ok() && *written == q.nbytes) << q.name;
    ++res.tensors;
    res.exact += std::memcmp(mine.data(), q.data, q.nbytes) == 0;
    const int64_t nblocks = n / k->block_size;
    res.blocks += nblocks;
    for (int64_t b = 0; b < nblocks; ++b) {
      res.blocks_differing += std::memcmp(mine.data() + b * k->block_bytes, q.data + b * k->block_bytes, k->block_bytes) != 0;
    }
    // Dequantise llama.cpp's bytes and compare with the source, row by row.
    std::vector<float> y(static_cast<size_t>(n));
    k->dequantize_row(q.data, y.data(), n);
    double err = 0, ref = 0;
    for (int64_t i = 0; i < n; ++i) {
      err += (static_cast<double>(y[i]) - x[i]) * (static_cast<double>(y[i]) - x[i]);
      ref += static_cast<double>(x[i]) * x[i];
    }
    res.worst_rel_rms = std::max(res.worst_rel_rms, std::sqrt(err / ref));
  }
  return res;
}

struct Case {
  const char* source;
  const char* stem;
  GgmlType type;
  double rms_bound;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.stem << " type " << static_cast<int>(c.type); }

constexpr const char* kQwen = "tiny-qwen2-f32";

class QuantiseLikeLlamaCpp : public ::testing::TestWithParam<Case> {};

TEST_P(QuantiseLikeLlamaCpp, BytesEqualAndDequantisedCloseToSource) {
  const Case c = GetParam();
  LS_REQUIRE_ASSET(std::string("models/") + c.source + ".gguf");
  LS_REQUIRE_ASSET(std::string("models/") + c.stem + ".gguf");
  const TensorResult r = compare_file(c.source, c.stem, c.type);
  ASSERT_GT(r.tensors, 0) << "no tensor of that type in " << c.stem;
  RecordProperty("tensors", r.tensors);
  RecordProperty("exact", r.exact);
  std::printf("[ %s type %d ] %d/%d tensors byte-exact, %lld/%lld blocks differ, worst rel RMS %.4g\n", c.stem,
              static_cast<int>(c.type), r.exact, r.tensors, static_cast<long long>(r.blocks_differing),
              static_cast<long long>(r.blocks), r.worst_rel_rms);
  EXPECT_EQ(r.exact, r.tensors) << r.blocks_differing << " of " << r.blocks << " blocks differ";
  EXPECT_LE(r.worst_rel_rms, c.rms_bound);
  EXPECT_GT(r.worst_rel_rms, 0.0);
}

INSTANTIATE_TEST_SUITE_P(
    TinyQwen2, QuantiseLikeLlamaCpp,
    ::testing::Values(
        // Random weights (tiny-qwen2, every type llama.cpp wrote).
        Case{kQwen, "tiny-qwen2-f16", GgmlType::F16, 5e-4}, Case{kQwen, "tiny-qwen2-bf16", GgmlType::BF16, 4e-3},
        Case{kQwen, "tiny-qwen2-q8_0", GgmlType::Q8_0, 0.006}, Case{kQwen, "tiny-qwen2-q4_0", GgmlType::Q4_0, 0.1},
        Case{kQwen, "tiny-qwen2-q4_1", GgmlType::Q4_1, 0.09}, Case{kQwen, "tiny-qwen2-q5_0", GgmlType::Q5_0, 0.05},
        Case{kQwen, "tiny-qwen2-q5_1", GgmlType::Q5_1, 0.045}, Case{kQwen, "tiny-qwen2-q6_k", GgmlType::Q6_K, 0.025},
        Case{kQwen, "tiny-qwen2-q4_k_m", GgmlType::Q4_K, 0.08}, Case{kQwen, "tiny-qwen2-q5_k_m", GgmlType::Q5_K, 0.04},
        Case{kQwen, "tiny-qwen2-q3_k_m", GgmlType::Q3_K, 0.2}, Case{kQwen, "tiny-qwen2-q2_k", GgmlType::Q2_K, 0.4},
        Case{kQwen, "tiny-qwen2-q2_k", GgmlType::Q3_K, 0.2}, Case{kQwen, "tiny-qwen2-q3_k_m", GgmlType::Q5_K, 0.04},
        Case{kQwen, "tiny-qwen2-q3_k_m", GgmlType::Q4_K, 0.08}, Case{kQwen, "tiny-qwen2-q4_0", GgmlType::Q6_K, 0.025},
        // Trained weights (real value distributions): scifact-lm and stories260K (whose ffn_down rows
        // of 172 fell back to F16).
        Case{"scifact-lm-f32", "scifact-lm-q8_0", GgmlType::Q8_0, 0.009},
        Case{"scifact-lm-f32", "scifact-lm-q4_k_m", GgmlType::Q4_K, 0.08},
        Case{"scifact-lm-f32", "scifact-lm-q4_k_m", GgmlType::Q6_K, 0.025},
        Case{"stories260K-f32", "stories260K-q8_0", GgmlType::Q8_0, 0.009},
        Case{"stories260K-f32", "stories260K-q8_0", GgmlType::F16, 5e-4}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string s = std::string(info.param.stem) + "_t" + std::to_string(static_cast<int>(info.param.type));
      for (char& ch : s) ch = (ch == '-' ? '_' : ch);
      return s;
    });

TEST(QuantizeRows, RejectsWhatLlamaCppWouldNotQuantise) {
  std::vector<float> x(172 * 2, 0.5f);
  std::vector<uint8_t> out(4096);
  // stories260K's ffn_down rows of 172 values: not a multiple of 32 (llama.cpp falls back to F16).
  const auto r = quantize_rows(GgmlType::Q8_0, x.data(), 2, 172, out.data(), nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("172"), std::string::npos);
  EXPECT_FALSE(quantize_rows(GgmlType::Q8_K, x.data(), 1, 256, out.data(), nullptr).ok());  // activation-only type
  const auto f16 = quantize_rows(GgmlType::F16, x.data(), 2, 172, out.data(), nullptr);
  ASSERT_TRUE(f16.ok());
  EXPECT_EQ(*f16, 2u * 172u * 2u);
}

}  // namespace
}  // namespace ls::kernels
