// Engines chosen by name with `localseek serve --backend KIND:ARG`: "scripted:FILE" (tests, demos)
// is built in; others can register without the CLI knowing them. (`-m MODEL` opens the CPU engine
// directly, see session_backend.h.)
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "server/backend.h"

namespace ls::server {

using BackendFactory = std::function<Result<std::shared_ptr<Backend>>(const std::string& arg)>;

// Registers (or replaces) the factory for `kind`.
void register_backend_factory(const std::string& kind, BackendFactory factory);

// `spec` is "KIND:ARG" (e.g. "scripted:script.json"). An unknown kind is an error that lists the
// known ones.
Result<std::shared_ptr<Backend>> make_backend(const std::string& spec);

}  // namespace ls::server
