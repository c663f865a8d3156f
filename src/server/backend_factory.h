// How `localseek serve` gets an engine: "scripted:FILE" (tests, demos) is built in; the CPU engine
// registers "gguf" for `-m MODEL` once it exists, without the CLI knowing about it.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "server/backend.h"

namespace ls::server {

using BackendFactory = std::function<Result<std::shared_ptr<Backend>>(const std::string& arg)>;

// Registers (or replaces) the factory for `kind`.
void register_backend_factory(const std::string& kind, BackendFactory factory);

// `spec` is "KIND:ARG" (e.g. "scripted:script.json") or, for a model file, just the path (kind
// "gguf"). An unknown kind is an error that lists the known ones.
Result<std::shared_ptr<Backend>> make_backend(const std::string& spec);
Result<std::shared_ptr<Backend>> make_model_backend(const std::string& model_path);

}  // namespace ls::server
