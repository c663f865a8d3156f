// `localseek version`: the build and what this CPU offers the kernels.
#include <CLI/CLI.hpp>

#include <cstdio>

#include <string>

#include "cli/command.h"
#include "kernels/kernels.h"
#include "util/cpu_features.h"

namespace ls::cli {
namespace {

const Registrar kVersion{{"version", "Print the version and the CPU features the engine will use",
                          [](CLI::App& sub) -> std::function<int()> {
                            return [] {
                              std::string avail;
                              for (kernels::Isa isa : kernels::available_isas()) {
                                avail += (avail.empty() ? "" : " ") + std::string(kernels::isa_name(isa));
                              }
                              std::printf("localseek %s\ncpu: %s\nkernels: %s (available: %s)\n", LOCALSEEK_VERSION,
                                          cpu_features().summary().c_str(),
                                          std::string(kernels::isa_name(kernels::active_isa())).c_str(), avail.c_str());
                              return 0;
                            };
                          }}};

}  // namespace
}  // namespace ls::cli
