// Forward-pass parity with llama.cpp on every text-generation model in ../shared/models:
// prompt positions (teacher forced) and 32 greedy steps (teacher forced with llama.cpp's ids)
// against both llama.cpp settings and, for float weights, the float64 oracle.
//  - F32 KV cache  vs `<p>.fa-off.kv-f32.json` (llama.cpp without flash attention, F32 KV)
//  - F16 KV cache  vs `<p>.json`                (llama.cpp default: flash attention, F16 KV)
//  - the same with ContextOptions::ggml_order   (llama.cpp's float order for K types and RoPE)
//  - F32 KV cache  vs `<p>.ideal-f64.json`      (exact math on the same weights), float types only
// Greedy ids must match up to llama.cpp's own horizon: the first step whose margin is below
// max(0.02, the log-prob tolerance), or where llama.cpp's two settings part.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "golden.h"
#include "model/context.h"
#include "model/model.h"
#include "test_support.h"

namespace ls::model {
namespace {

constexpr double kMinMargin = 0.02;

struct Tolerance {
  double vs_default;  // max |d logprob| over top-20, F16 KV vs llama.cpp default
  double vs_f32;      // F32 KV vs llama.cpp fa-off/kv-f32
  double vs_oracle;   // F32 KV vs float64 oracle; < 0: not checked (quantised weights)
};

struct Case {
  const char* stem;
  const char* prompts[4];
  Tolerance tol;
};

constexpr const char* kStd[4] = {"p1-once", "p2-dog", "p3-long", "p4-odd"};
constexpr const char* kSci[4] = {"p1-results", "p2-study", "p3-long", "p4-odd"};

#define STD_PROMPTS {kStd[0], kStd[1], kStd[2], kStd[3]}
#define SCI_PROMPTS {kSci[0], kSci[1], kSci[2], kSci[3]}

// Tolerances per weight type, each at or below llama.cpp's own spread between its two settings
// (PROVENANCE.md table).
// Quantised weights: llama.cpp's two settings differ by the spread in PROVENANCE.md (max over prompt
// and generated steps); our tolerance is that spread, vs each setting. No oracle check there: the
// oracle skips the activation quantisation llama.cpp (and we) perform.
const Case kCases[] = {
    {"tiny-qwen2-f32", STD_PROMPTS, {0.005, 1e-4, 1e-4}},
    {"scifact-lm-f32", SCI_PROMPTS, {0.001, 1e-4, 1e-4}},
    {"stories260K-f32", STD_PROMPTS, {0.015, 1e-4, 1e-4}},
    {"tiny-qwen2-f16", STD_PROMPTS, {0.015, 0.012, 0.02}},
    {"tiny-llama-f16", STD_PROMPTS, {0.015, 0.01, 0.015}},
    {"tiny-qwen3-f16", STD_PROMPTS, {0.02, 0.012, 0.02}},
    {"tiny-qwen2-bf16", STD_PROMPTS, {0.08, 0.08, 0.12}},
    {"tiny-qwen2-q8_0", STD_PROMPTS, {0.33, 0.33, -1}},
    {"tiny-qwen2-q4_0", STD_PROMPTS, {0.36, 0.36, -1}},
    {"tiny-qwen2-q4_1", STD_PROMPTS, {0.35, 0.35, -1}},
    {"tiny-qwen2-q5_0", STD_PROMPTS, {0.33, 0.33, -1}},
    {"tiny-qwen2-q5_1", STD_PROMPTS, {0.3, 0.3, -1}},
    {"tiny-qwen2-q2_k", STD_PROMPTS, {0.41, 0.41, -1}},
    {"tiny-qwen2-q3_k_m", STD_PROMPTS, {0.43, 0.43, -1}},
    {"tiny-qwen2-q4_k_m", STD_PROMPTS, {0.46, 0.46, -1}},
    {"tiny-qwen2-q5_k_m", STD_PROMPTS, {0.42, 0.42, -1}},
    {"tiny-qwen2-q6_k", STD_PROMPTS, {0.47, 0.47, -1}},
    {"tiny-llama-q8_0", STD_PROMPTS, {0.31, 0.31, -1}},
    {"tiny-llama-q4_k_m", STD_PROMPTS, {0.58, 0.58, -1}},
    {"tiny-qwen3-q8_0", STD_PROMPTS, {0.5, 0.5, -1}},
    {"tiny-qwen3-q4_k_m", STD_PROMPTS, {0.59, 0.59, -1}},
    {"stories260K-q8_0", STD_PROMPTS, {1.2, 1.2, -1}},
    {"scifact-lm-q8_0", SCI_PROMPTS, {0.12, 0.12, -1}},
    {"scifact-lm-q4_k_m", SCI_PROMPTS, {0.33, 0.33, -1}},
};

struct RunStats {
  double max_prompt = 0.0;  // max |d logprob| over prompt positions
  double max_gen = 0.0;     // ... over the 32 greedy steps
  int matched = 0;          // greedy steps whose argmax equals the golden id, from the start
  int horizon = 0;          // steps that must match
  int strict_horizon = 0;   // the same with the 0.02 margin floor alone (the bare horizon)
};

// Model/setting pairs known to miss the bare 0.02-margin horizon in the engine's fast default float
// order (asserted everywhere else, so a regression shows): tiny-qwen2-q2_k (51/56) and
// tiny-qwen2-q5_k_m (32/50), both only with F16 KV vs llama.cpp's default (flash attention); their
// fa-off/F32-KV runs meet it, and so does every model in "f16kv/ggml" (ContextOptions::ggml_order:
// q2_k 56/56, q5_k_m 50/50), which is asserted without exceptions. Measured:
//  - same result on every ISA (--isa scalar = avx2 = avx512): our SIMD kernels keep the scalar
//    reference's float order, but that order is not ggml's (see the localisation below);
//  - matching ggml's AVX-512 F16 dot order for Q.K fixed the short prompts (vec path: tiny-qwen2-f32
//    p2-dog prompt 8.6e-5 -> 3.3e-6, q2_k p1-once 1.7e-2 -> 4e-6);
//  - still, on the float32 models our F16-KV logprobs differ from llama.cpp's default by 2e-4
//    (some prompt positions) to 4e-3 (generated steps), against 1e-5 with F32 KV. Nudging every K/V
//    value by +-1 float ulp before its F16 rounding moves our own logprobs by the same amount
//    (tiny-qwen2-f32 p2-dog 3.4e-3, p3-long 8.3e-4, scifact p1 4.5e-4): the F16 rounding of K, V
//    and Q amplifies last-bit differences upstream (projections, biases, RoPE) that the F32 path
//    hides. Closing the gap needs K/V/Q bit-identical to ggml's before the cache, not an attention
//    change; in these random quantised models one such flip then moves a Q8 activation rounding
//    and the greedy path forks at a small margin.
//  - A literal transcription of ggml's tiled kernel (64-key tiles, ggml_v_expf, fused GEMM order)
//    did not match better than the current online form (tiny-qwen2-f32 p3-long 8e-4 vs 2.5e-4).
// Localised tensor by tensor against the prebuilt llama.cpp itself (tools/llamacpp_tap: its graph
// tensors through cb_eval, our decoder's through a temporary tap): the first differences are 1-ulp
// differences in the Q/K/V projections, because (a) ggml's AVX2 q3_K/q5_K/q6_K dot products scale
// eight int32 lanes per super-block into an 8-lane FMA accumulator (ours scale the block total),
// (b) Q2_K is repacked on this CPU (q2_K_8x8: GEMV and 4-token GEMM round differently), (c) RoPE is
// contracted to FMAs. ggml_order does (a)-(c) (kernels/ggml_order.h, scalar; RopeParams::fused):
// every tensor of q2_k p2-dog is then bit-identical to llama.cpp's for all 32 steps. SwiGLU's expf
// was the fourth cause (fixed for both orders). The fast kernels keep their order: ggml's lane
// structure in the prefill panels would cost ~1.5x there. ggml_order also takes ggml's tiled
// prefill attention in its exact order (kFlashTiledGgml); the K-quant models then match the default
// goldens at every position to their rounding (max |d| ~3e-6, see the "ggml-order" summaries).
bool bare_horizon_exception(const char* stem, const char* setting) {
  const std::string s = stem;
  return std::string(setting) == "f16kv/default" && (s == "tiny-qwen2-q2_k" || s == "tiny-qwen2-q5_k_m");
}

int argmax_lowest(std::span<const float> logits) {
  int best = 0;
  for (int i = 1; i < static_cast<int>(logits.size()); ++i) {
    if (logits[static_cast<size_t>(i)] > logits[static_cast<size_t>(best)]) best = i;
  }
  return best;
}

RunStats run_against(const std::shared_ptr<const Model>& m, KvType kv, const test::Golden& g,
                     const test::Golden* other, double tol, bool exact_weights = false, bool ggml_order = false) {
  RunStats st;
  ContextOptions opts;
  opts.n_ctx = 512;
  opts.kv_type = kv;
  opts.exact_weights = exact_weights;
  opts.ggml_order = ggml_order;
  opts.n_threads = 1;
  auto ctx = Context::create(m, opts);
  EXPECT_TRUE(ctx.ok()) << (ctx.ok() ? "" : ctx.error().message);
  if (!ctx.ok()) return st;
  const int nv = m->hparams().n_vocab;
  auto all = (*ctx)->eval(g.prompt_ids, /*all_logits=*/true);
  EXPECT_TRUE(all.ok());
  if (!all.ok()) return st;
  const size_t np = g.prompt_ids.size();
  for (size_t i = 0; i < np; ++i) {
    const auto lp = test::log_softmax(all->data() + i * nv, nv);
    st.max_prompt = std::max(st.max_prompt, test::max_top_delta(lp, g.positions.at(i)));
  }
  std::vector<float> last(all->end() - nv, all->end());
  for (size_t s = 0; s < g.greedy_ids.size(); ++s) {
    const auto lp = test::log_softmax(last.data(), nv);
    st.max_gen = std::max(st.max_gen, test::max_top_delta(lp, g.steps.at(s)));
    if (st.matched == static_cast<int>(s) && argmax_lowest(last) == g.greedy_ids[s]) ++st.matched;
    if (s + 1 == g.greedy_ids.size()) break;
    auto next = (*ctx)->eval(std::span<const int32_t>(&g.greedy_ids[s], 1));
    EXPECT_TRUE(next.ok());
    if (!next.ok()) return st;
    last.assign(next->begin(), next->end());
  }
  // A step whose margin is below the log-prob spread llama.cpp itself shows may fork.
  st.horizon = test::margin_horizon(g, std::max(kMinMargin, tol), static_cast<int>(g.greedy_ids.size()));
  st.strict_horizon = test::margin_horizon(g, kMinMargin, static_cast<int>(g.greedy_ids.size()));
  if (other != nullptr) {
    const int part = test::first_diff(g.greedy_ids, other->greedy_ids);
    st.horizon = std::min(st.horizon, part);
    st.strict_horizon = std::min(st.strict_horizon, part);
  }
  return st;
}

// Per model and setting, over the four prompts.
struct Summary {
  int matched = 0, horizon = 0, strict_matched = 0, strict_horizon = 0;
  double max_delta = 0.0, tol = 0.0;
  void add(const RunStats& st, double t) {
    matched += std::min(st.matched, st.horizon);
    horizon += st.horizon;
    strict_matched += std::min(st.matched, st.strict_horizon);
    strict_horizon += st.strict_horizon;
    max_delta = std::max({max_delta, st.max_prompt, st.max_gen});
    tol = t;
  }
};

void check(const char* stem, const char* prompt, const char* setting, const RunStats& st, double tol) {
  std::printf("PARITY %-18s %-10s %-13s greedy %2d/%2d  max|dlogprob| prompt %.2e gen %.2e  tol %.1e\n",
              stem, prompt, setting, std::min(st.matched, st.horizon), st.horizon, st.max_prompt,
              st.max_gen, tol);
  EXPECT_GE(st.matched, st.horizon) << stem << " " << prompt << " " << setting;
  if (!bare_horizon_exception(stem, setting)) {
    EXPECT_GE(st.matched, st.strict_horizon) << stem << " " << prompt << " " << setting << " (bare 0.02 horizon)";
  }
  EXPECT_LE(st.max_prompt, tol) << stem << " " << prompt << " " << setting;
  EXPECT_LE(st.max_gen, tol) << stem << " " << prompt << " " << setting;
}

class Parity : public ::testing::TestWithParam<Case> {};

TEST_P(Parity, MatchesLlamaCpp) {
  const Case& c = GetParam();
  const std::string model_rel = std::string("models/") + c.stem + ".gguf";
  LS_REQUIRE_ASSET(model_rel);
  auto m = Model::load(test::shared_path(model_rel));
  if (!m.ok() && m.error().kind == ErrorKind::kUnsupported) {
    GTEST_SKIP() << "SKIPPED (kernels not available yet): " << m.error().message;
  }
  ASSERT_TRUE(m.ok()) << m.error().message;
  Summary sum_def, sum_ggml, sum_f32, sum_oracle;
  for (const char* p : c.prompts) {
    const std::string dir = test::shared_path(std::string("golden/") + c.stem + "/" + p);
    test::Golden def, f32, oracle;
    ASSERT_TRUE(test::load_golden(dir + ".json", def));
    ASSERT_TRUE(test::load_golden(dir + ".fa-off.kv-f32.json", f32));
    const RunStats a = run_against(*m, KvType::kF16, def, &f32, c.tol.vs_default);
    check(c.stem, p, "f16kv/default", a, c.tol.vs_default);
    sum_def.add(a, c.tol.vs_default);
    // llama.cpp's float order (ContextOptions::ggml_order) against its default setting: the bare
    // horizon holds for every model, without exceptions.
    const RunStats e = run_against(*m, KvType::kF16, def, &f32, c.tol.vs_default, false, /*ggml_order=*/true);
    check(c.stem, p, "f16kv/ggml", e, c.tol.vs_default);
    sum_ggml.add(e, c.tol.vs_default);
    const RunStats b = run_against(*m, KvType::kF32, f32, &def, c.tol.vs_f32);
    check(c.stem, p, "f32kv/fa-off", b, c.tol.vs_f32);
    sum_f32.add(b, c.tol.vs_f32);
    if (c.tol.vs_oracle >= 0.0) {
      ASSERT_TRUE(test::load_golden(dir + ".ideal-f64.json", oracle));
      const RunStats o = run_against(*m, KvType::kF32, oracle, nullptr, c.tol.vs_oracle);
      check(c.stem, p, "f32kv/oracle", o, c.tol.vs_oracle);
      sum_oracle.add(o, c.tol.vs_oracle);
    }
  }
  auto line = [](const char* name, const Summary& s) {
    if (s.horizon == 0 && s.max_delta == 0.0) return std::string();
    char buf[200];
    std::snprintf(buf, sizeof buf, "  %s greedy %3d/%-3d (0.02-horizon %3d/%-3d) max|d| %.1e (tol %.0e)", name,
                  s.matched, s.horizon, s.strict_matched, s.strict_horizon, s.max_delta, s.tol);
    return std::string(buf);
  };
  std::printf("SUMMARY %-18s%s%s%s%s\n", c.stem, line("default:", sum_def).c_str(), line("ggml-order:", sum_ggml).c_str(),
              line("fa-off/f32:", sum_f32).c_str(), line("oracle:", sum_oracle).c_str());
}

[[maybe_unused]] std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string n = info.param.stem;
  std::replace_if(n.begin(), n.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
  return n;
}

// Float32 models are quick even under sanitizers; the rest form the `slow` binary.
[[maybe_unused]] std::vector<Case> selected_cases() {
  std::vector<Case> out;
  for (const Case& c : kCases) {
    const bool is_f32 = std::string(c.stem).ends_with("-f32");
#ifdef LS_PARITY_SLOW
    if (!is_f32) out.push_back(c);
#else
    if (is_f32) out.push_back(c);
#endif
  }
  return out;
}

#ifdef LS_PARITY_ORACLE
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Parity);
#else
INSTANTIATE_TEST_SUITE_P(Models, Parity, ::testing::ValuesIn(selected_cases()), case_name);
#endif

// Quantised weights against the float64 oracle, in the engine's exact reference mode
// (ContextOptions::exact_weights: every weight row dequantised with the kernels' dequantize_row,
// F32 activations, no activation quantisation, F32 KV). What remains is float32 rounding, so a
// wrong bit in a dequantiser shows far above these tolerances (measured maximum, rounded up).
struct OracleCase {
  const char* stem;
  const char* prompts[4];
  double tol;  // max |d logprob| over the top-20 ids, every prompt position and greedy step
};

const OracleCase kOracleCases[] = {
    {"tiny-qwen2-q8_0", STD_PROMPTS, 3e-5},   {"tiny-qwen2-q4_0", STD_PROMPTS, 4e-5},
    {"tiny-qwen2-q4_1", STD_PROMPTS, 4e-5},   {"tiny-qwen2-q5_0", STD_PROMPTS, 3e-5},
    {"tiny-qwen2-q5_1", STD_PROMPTS, 4e-5},   {"tiny-qwen2-q2_k", STD_PROMPTS, 4.5e-5},
    {"tiny-qwen2-q3_k_m", STD_PROMPTS, 4.5e-5}, {"tiny-qwen2-q4_k_m", STD_PROMPTS, 3.5e-5},
    {"tiny-qwen2-q5_k_m", STD_PROMPTS, 3e-5}, {"tiny-qwen2-q6_k", STD_PROMPTS, 4e-5},
    {"tiny-llama-q8_0", STD_PROMPTS, 4e-5},   {"tiny-llama-q4_k_m", STD_PROMPTS, 5e-5},
    {"tiny-qwen3-q8_0", STD_PROMPTS, 2e-5},   {"tiny-qwen3-q4_k_m", STD_PROMPTS, 2e-5},
    {"scifact-lm-q8_0", SCI_PROMPTS, 2.5e-5}, {"scifact-lm-q4_k_m", SCI_PROMPTS, 4e-5},
    {"stories260K-q8_0", STD_PROMPTS, 6e-5},
};

class ExactOracle : public ::testing::TestWithParam<OracleCase> {};

TEST_P(ExactOracle, DequantisedWeightsMatchFloat64) {
  const OracleCase& c = GetParam();
  const std::string model_rel = std::string("models/") + c.stem + ".gguf";
  LS_REQUIRE_ASSET(model_rel);
  auto m = Model::load(test::shared_path(model_rel));
  ASSERT_TRUE(m.ok()) << m.error().message;
  double worst = 0.0;
  for (const char* p : c.prompts) {
    test::Golden oracle;
    ASSERT_TRUE(test::load_golden(test::shared_path(std::string("golden/") + c.stem + "/" + p + ".ideal-f64.json"), oracle));
    const RunStats o = run_against(*m, KvType::kF32, oracle, nullptr, c.tol, /*exact_weights=*/true);
    check(c.stem, p, "exact/oracle", o, c.tol);
    // Greedy ids: every step up to the first whose oracle margin is within 10x float32 rounding.
    const int horizon = test::margin_horizon(oracle, 10 * c.tol, static_cast<int>(oracle.greedy_ids.size()));
    EXPECT_GE(o.matched, horizon) << c.stem << " " << p;
    std::printf("ORACLE-GREEDY %-18s %-10s %2d/%2d\n", c.stem, p, std::min(o.matched, horizon), horizon);
    worst = std::max({worst, o.max_prompt, o.max_gen});
  }
  std::printf("ORACLE %-18s exact max|dlogprob| %.2e (tol %.1e)\n", c.stem, worst, c.tol);
}

[[maybe_unused]] std::string oracle_case_name(const ::testing::TestParamInfo<OracleCase>& info) {
  std::string n = info.param.stem;
  std::replace_if(n.begin(), n.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
  return n;
}

#ifdef LS_PARITY_ORACLE
INSTANTIATE_TEST_SUITE_P(Quantised, ExactOracle, ::testing::ValuesIn(kOracleCases), oracle_case_name);
#else
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ExactOracle);
#endif

}  // namespace
}  // namespace ls::model
