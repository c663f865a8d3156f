// `localseek eval rag`: added to the `eval` command by cmd_eval.cpp (one call, so the rag engineer's
// evaluation lives in its own file).
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace ls::cli {

// Adds the `rag` subcommand to `eval`; returns the function that runs it.
std::function<int()> add_eval_rag_command(CLI::App& eval);

}  // namespace ls::cli
