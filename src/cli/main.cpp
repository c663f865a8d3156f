// `localseek`: one binary, one subcommand per job. Commands live in cmd_*.cpp.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>

#include "cli/command.h"
#include "kernels/kernels.h"

namespace ls::cli {

std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}

int report_error(const std::string& message, int code) {
  std::fprintf(stderr, "localseek: error: %s\n", message.c_str());
  return code;
}

}  // namespace ls::cli

int main(int argc, char** argv) {
  CLI::App app{"LocalSeek: run DeepSeek-R1 models, a private knowledge base and grounded answers on your "
               "own machine"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("localseek ") + LOCALSEEK_VERSION);
  auto& commands = ls::cli::registry();
  std::sort(commands.begin(), commands.end(),
            [](const ls::cli::Command& a, const ls::cli::Command& b) { return a.name < b.name; });
  std::function<int()> to_run;
  for (auto& c : commands) {
    CLI::App* sub = app.add_subcommand(c.name, c.summary);
    auto run = std::make_shared<std::function<int()>>(c.setup(*sub));
    sub->callback([run, &to_run] { to_run = *run; });
  }
  // LOCALSEEK_ISA is checked before anything runs: a typo must not silently fall back.
  if (const ls::Status isa = ls::kernels::apply_isa_env(); !isa.ok()) return ls::cli::report_error(isa.error().message, 2);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    return to_run ? to_run() : 0;
  } catch (const std::exception& e) {
    return ls::cli::report_error(e.what(), 2);
  }
}
