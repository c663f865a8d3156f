// `--isa` and LOCALSEEK_ISA end to end: every available ISA runs the model to the same logits
// (the SIMD kernels are proven equal to the scalar ones elsewhere; here the switch itself), and a
// bad or unavailable ISA is a clear, non-zero exit.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_run.h"
#include "kernels/kernels.h"
#include "test_support.h"

namespace ls::kernels {
namespace {

using test::run_cli;

std::string model(const char* stem) { return test::shared_path(std::string("models/") + stem + ".gguf"); }

// Top-5 logits at every position of a short prompt.
// env_isa: value of LOCALSEEK_ISA for the child ("" = unset).
std::vector<std::vector<std::pair<int, double>>> logits(const std::string& env_isa, const std::string& args) {
  if (env_isa.empty()) unsetenv(kIsaEnvVar); else setenv(kIsaEnvVar, env_isa.c_str(), 1);
  const test::CliRun r = run_cli("logits -m " + model("scifact-lm-q4_k_m") +
                                 " --ids 1,450,582,310,278,559,31,700 --top 5 --json" + args, /*with_stderr=*/false);
  unsetenv(kIsaEnvVar);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::vector<std::vector<std::pair<int, double>>> out;
  if (r.exit_code != 0) return out;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  for (const auto& p : j.at("positions")) {
    out.emplace_back();
    for (const auto& e : p.at("top")) out.back().emplace_back(e[0].get<int>(), e[1].get<double>());
  }
  return out;
}

TEST(IsaCli, EveryAvailableIsaGivesTheSameLogits) {
  LS_REQUIRE_ASSET("models/scifact-lm-q4_k_m.gguf");
  const auto ref = logits("", " --isa scalar");
  ASSERT_EQ(ref.size(), 8u);
  for (Isa isa : available_isas()) {
    const std::string name(isa_name(isa));
    for (const auto& got : {logits("", " --isa " + name), logits(name, ""), logits("scalar", " --isa " + name)}) {
      ASSERT_EQ(got.size(), ref.size()) << name;
      for (size_t p = 0; p < ref.size(); ++p) {
        EXPECT_EQ(got[p][0].first, ref[p][0].first) << name << " position " << p;
        for (size_t i = 0; i < ref[p].size(); ++i) EXPECT_NEAR(got[p][i].second, ref[p][i].second, 1e-3) << name;
      }
    }
  }
}

TEST(IsaCli, VersionReportsTheForcedIsa) {
  const test::CliRun r = run_cli("version", true);
  EXPECT_NE(r.out.find("kernels: " + std::string(isa_name(best_isa()))), std::string::npos) << r.out;
  // The environment variable reaches the binary.
  const std::string cmd = "env LOCALSEEK_ISA=scalar " + test::binary() + " version";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[4096];
  const size_t n = fread(buf, 1, sizeof buf, p);
  pclose(p);
  EXPECT_NE(std::string(buf, n).find("kernels: scalar"), std::string::npos) << std::string(buf, n);
}

TEST(IsaCli, BadIsaIsAClearError) {
  LS_REQUIRE_ASSET("models/scifact-lm-q4_k_m.gguf");
  const test::CliRun flag = run_cli("run -m " + model("scifact-lm-q4_k_m") + " -p hi -n 1 --isa sse9");
  EXPECT_NE(flag.exit_code, 0);
  EXPECT_NE(flag.out.find("unknown ISA 'sse9'"), std::string::npos) << flag.out;
  const std::string cmd = "env LOCALSEEK_ISA=sse9 " + test::binary() + " version 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[4096];
  const size_t n = fread(buf, 1, sizeof buf, p);
  EXPECT_NE(WEXITSTATUS(pclose(p)), 0);
  EXPECT_NE(std::string(buf, n).find("LOCALSEEK_ISA=sse9"), std::string::npos) << std::string(buf, n);
  for (int i = 0; i < kIsaCount; ++i) {
    const Isa isa = static_cast<Isa>(i);
    if (isa_available(isa)) continue;
    const test::CliRun r = run_cli("bench -m " + model("scifact-lm-q4_k_m") + " -p 4 -n 2 -r 1 --isa " +
                                   std::string(isa_name(isa)));
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.out.find("not available"), std::string::npos) << r.out;
  }
}

TEST(IsaCli, BenchReportsTheIsaAndTheFlagWinsOverTheEnvironment) {
  LS_REQUIRE_ASSET("models/scifact-lm-q4_k_m.gguf");
  setenv(kIsaEnvVar, std::string(isa_name(best_isa())).c_str(), 1);
  const test::CliRun r = run_cli("bench -m " + model("scifact-lm-q4_k_m") +
                                 " -p 4 -n 2 -r 1 -t 1 --bandwidth 10 --json --isa scalar", /*with_stderr=*/false);
  unsetenv(kIsaEnvVar);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out).at("isa").get<std::string>(), "scalar");
}

}  // namespace
}  // namespace ls::kernels
