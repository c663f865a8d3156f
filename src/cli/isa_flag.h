// `--isa scalar|avx2|avx512|avx512vnni`: forces the kernel ISA for the whole process (as the
// LOCALSEEK_ISA environment variable does, which the flag overrides). Applied while the command
// line is parsed, so before any model is loaded; an ISA this CPU/build lacks is a usage error.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "kernels/kernels.h"

namespace ls::cli {

inline void add_isa_option(CLI::App& sub) {
  sub.add_option_function<std::string>(
         "--isa",
         [](const std::string& name) {
           const Status st = kernels::set_active_isa(name);
           if (!st.ok()) throw CLI::ValidationError("--isa", st.error().message);
         },
         "Kernel instruction set: scalar, avx2, avx512 or avx512vnni (default: the best this CPU has, "
         "or $LOCALSEEK_ISA)")
      ->type_name("ISA");
}

}  // namespace ls::cli
