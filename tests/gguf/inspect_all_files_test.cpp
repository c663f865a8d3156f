// `localseek inspect --json --tensors` on every shared model and vocabulary file. Labelled slow: under
// ASan the large vocabularies take seconds each.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_run.h"
#include "test_support.h"

namespace {

using ls::test::CliRun;
constexpr auto run = [](const std::string& args) { return ls::test::run_cli(args); };

// Every shared file inspects, and the JSON agrees with itself (types histogram vs tensor list).
void inspect_every_file_in(const std::string& dir) {
  LS_REQUIRE_ASSET(dir);
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(ls::test::shared_path(dir))) {
    if (e.path().extension() != ".gguf") continue;
    SCOPED_TRACE(e.path().string());
    CliRun r = run("inspect --json --tensors " + ls::test::shell_quote(e.path().string()));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const auto j = nlohmann::json::parse(r.out);
    ++n;
    EXPECT_EQ(j["file_size"].get<uint64_t>(), std::filesystem::file_size(e.path()));
    EXPECT_EQ(j["tensors"].size(), j["tensor_count"].get<size_t>());
    uint64_t hist = 0;
    for (const auto& t : j["tensor_types"]) hist += t["count"].get<uint64_t>();
    EXPECT_EQ(hist, j["tensor_count"].get<uint64_t>());
    EXPECT_FALSE(j["tokenizer"]["model"].get<std::string>().empty());
    EXPECT_GT(j["tokenizer"]["vocab_size"].get<uint64_t>(), 0u);
  }
  EXPECT_GT(n, 10);
}

TEST(InspectCli, EverySharedModel) { inspect_every_file_in("models"); }
TEST(InspectCli, EverySharedVocabulary) { inspect_every_file_in("vocab"); }

}  // namespace
