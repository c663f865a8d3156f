// `localseek version`: the build and what this CPU offers the kernels.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/command.h"
#include "util/cpu_features.h"

namespace ls::cli {
namespace {

const Registrar kVersion{{"version", "Print the version and the CPU features the engine will use",
                          [](CLI::App& sub) -> std::function<int()> {
                            return [] {
                              std::printf("localseek %s\ncpu: %s\n", LOCALSEEK_VERSION,
                                          cpu_features().summary().c_str());
                              return 0;
                            };
                          }}};

}  // namespace
}  // namespace ls::cli
