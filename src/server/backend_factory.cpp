#include "server/backend_factory.h"

#include <map>
#include <mutex>

#include "server/scripted_backend.h"

namespace ls::server {
namespace {

struct Registry {
  std::mutex mu;
  std::map<std::string, BackendFactory> factories;
  Registry() {
    factories["scripted"] = [](const std::string& path) -> Result<std::shared_ptr<Backend>> {
      auto script = load_script(path);
      if (!script.ok()) return script.error();
      return std::shared_ptr<Backend>(std::make_shared<ScriptedBackend>(std::move(script).value()));
    };
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

Result<std::shared_ptr<Backend>> make(const std::string& kind, const std::string& arg) {
  Registry& r = registry();
  BackendFactory f;
  std::string known;
  {
    std::lock_guard lock(r.mu);
    auto it = r.factories.find(kind);
    if (it != r.factories.end()) f = it->second;
    for (const auto& [k, _] : r.factories) known += (known.empty() ? "" : ", ") + k;
  }
  if (!f) return Error::invalid("unknown backend kind '" + kind + "' (known: " + known + ")");
  return f(arg);
}

}  // namespace

void register_backend_factory(const std::string& kind, BackendFactory factory) {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  r.factories[kind] = std::move(factory);
}

Result<std::shared_ptr<Backend>> make_backend(const std::string& spec) {
  const auto colon = spec.find(':');
  if (colon == std::string::npos || colon == 0)
    return Error::invalid("backend '" + spec + "' must be KIND:ARG, e.g. scripted:script.json");
  return make(spec.substr(0, colon), spec.substr(colon + 1));
}

}  // namespace ls::server
