#include "model/arch.h"

#include <array>

namespace ls::model {
namespace {

// Adding an architecture: one arch_<name>.cpp and one entry here.
const std::array<const ArchSpec*, 3>& all_archs() {
  static const std::array<const ArchSpec*, 3> archs = {&llama_arch(), &qwen2_arch(), &qwen3_arch()};
  return archs;
}

}  // namespace

const ArchSpec* find_arch(std::string_view name) {
  for (const ArchSpec* a : all_archs()) {
    if (a->name == name) return a;
  }
  return nullptr;
}

std::string supported_arch_names() {
  std::string out;
  for (const ArchSpec* a : all_archs()) {
    if (!out.empty()) out += ", ";
    out += a->name;
  }
  return out;
}

}  // namespace ls::model
