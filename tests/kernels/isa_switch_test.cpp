// The engine-wide ISA switch: names, availability errors, LOCALSEEK_ISA, and that kernels() and
// matmul's default follow the active ISA.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "kernels/kernels.h"
#include "kernels/matmul.h"

namespace ls::kernels {
namespace {

// Restores the ISA and the environment whatever a test does.
class IsaSwitch : public ::testing::Test {
 protected:
  void TearDown() override {
    unsetenv(kIsaEnvVar);
    ASSERT_TRUE(set_active_isa(best_isa()).ok());
  }
};

TEST_F(IsaSwitch, NamesRoundTrip) {
  for (int i = 0; i < kIsaCount; ++i) {
    const Isa isa = static_cast<Isa>(i);
    auto parsed = parse_isa(isa_name(isa));
    ASSERT_TRUE(parsed.ok()) << isa_name(isa);
    EXPECT_EQ(*parsed, isa);
  }
  auto upper = parse_isa("AVX2");
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(*upper, Isa::kAvx2);
  auto bad = parse_isa("sse9");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("sse9"), std::string::npos);
  EXPECT_NE(bad.error().message.find("avx512vnni"), std::string::npos);  // lists the known names
}

TEST_F(IsaSwitch, ForcedIsaDrivesTheKernelTable) {
  for (Isa isa : available_isas()) {
    ASSERT_TRUE(set_active_isa(isa).ok()) << isa_name(isa);
    EXPECT_EQ(active_isa(), isa);
    for (GgmlType t : supported_types()) EXPECT_EQ(kernels(t), kernels_for(t, isa)) << isa_name(isa);
    EXPECT_EQ(MatmulOptions{}.isa, isa);
  }
  ASSERT_TRUE(set_active_isa("scalar").ok());
  EXPECT_EQ(active_isa(), Isa::kScalar);
}

TEST_F(IsaSwitch, UnavailableIsaIsAnError) {
  for (int i = 0; i < kIsaCount; ++i) {
    const Isa isa = static_cast<Isa>(i);
    if (isa_available(isa)) continue;  // on a CPU with everything, nothing to check here
    const Isa before = active_isa();
    const Status st = set_active_isa(isa);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::kUnsupported);
    EXPECT_NE(st.error().message.find("not available"), std::string::npos) << st.error().message;
    EXPECT_EQ(active_isa(), before);
  }
  EXPECT_FALSE(set_active_isa("no-such-isa").ok());
}

TEST_F(IsaSwitch, EnvironmentVariable) {
  unsetenv(kIsaEnvVar);
  EXPECT_TRUE(apply_isa_env().ok());  // unset: nothing to do
  EXPECT_EQ(active_isa(), best_isa());
  setenv(kIsaEnvVar, "scalar", 1);
  ASSERT_TRUE(apply_isa_env().ok());
  EXPECT_EQ(active_isa(), Isa::kScalar);
  setenv(kIsaEnvVar, "pentium", 1);
  const Status st = apply_isa_env();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find(kIsaEnvVar), std::string::npos) << st.error().message;
  EXPECT_EQ(active_isa(), Isa::kScalar);  // a rejected value changes nothing
}

}  // namespace
}  // namespace ls::kernels
