// Subcommand registry: each src/cli/cmd_*.cpp registers one `localseek <name>` at static-init time,
// so adding a command touches no shared file.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace ls::cli {

struct Command {
  std::string name;
  std::string summary;
  // Adds the subcommand's options to `sub` and returns the function that runs it (exit code).
  std::function<std::function<int()>(CLI::App& sub)> setup;
};

std::vector<Command>& registry();

struct Registrar {
  explicit Registrar(Command c) { registry().push_back(std::move(c)); }
};

// Prints an error the one way the CLI does, and returns the exit code for it.
int report_error(const std::string& message, int code = 1);

}  // namespace ls::cli
