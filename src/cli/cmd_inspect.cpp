// `localseek inspect MODEL.gguf [--json] [--tensors] [--metadata]`: what is in a GGUF file, without
// loading the weights (only the header is read; tensor data stays unmapped-untouched).
#include <CLI/CLI.hpp>

#include <cinttypes>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/command.h"
#include "gguf/gguf_file.h"
#include "gguf/gguf_summary.h"
#include "util/strings.h"

namespace ls::cli {
namespace {

using gguf::File;
using gguf::Summary;
using gguf::Value;
using nlohmann::json;

struct InspectOptions {
  std::string path;
  bool json = false;
  bool tensors = false;
  bool metadata = false;
};

// Arrays longer than this are summarized in --metadata output (vocabularies hold 150k entries).
constexpr size_t kMaxJsonArray = 64;

json to_json(const Value& v, size_t max_items) {
  return std::visit(
      [&](const auto& x) -> json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, gguf::Array>) {
          json items = json::array();
          for (size_t i = 0; i < x.items.size() && i < max_items; ++i) items.push_back(to_json(x.items[i], max_items));
          if (x.items.size() <= max_items) return items;
          return json{{"element_type", gguf::value_type_name(x.element_type)},
                      {"count", x.items.size()},
                      {"first", std::move(items)}};
        } else {
          return json(x);
        }
      },
      v.storage());
}

std::string shape_of(const gguf::TensorInfo& t) {
  std::string s = "[";
  for (size_t i = 0; i < t.ne.size(); ++i) s += (i ? ", " : "") + std::to_string(t.ne[i]);
  return s + "]";
}

std::string with_commas(uint64_t n) {
  std::string d = std::to_string(n), out;
  for (size_t i = 0; i < d.size(); ++i) {
    if (i && (d.size() - i) % 3 == 0) out += ',';
    out += d[i];
  }
  return out;
}

std::string count_short(uint64_t n) {
  char buf[32];
  if (n >= 1000000000ull) std::snprintf(buf, sizeof buf, "%.2f B", static_cast<double>(n) / 1e9);
  else if (n >= 1000000ull) std::snprintf(buf, sizeof buf, "%.2f M", static_cast<double>(n) / 1e6);
  else if (n >= 1000ull) std::snprintf(buf, sizeof buf, "%.1f K", static_cast<double>(n) / 1e3);
  else std::snprintf(buf, sizeof buf, "%" PRIu64, n);
  return buf;
}

std::string file_type_label(const Summary& s) {
  if (!s.file_type) return "-";
  auto n = gguf::file_type_name(*s.file_type);
  return std::string(n ? *n : "unknown") + " (" + std::to_string(*s.file_type) + ")";
}

json build_json(const File& f, const Summary& s, const InspectOptions& o) {
  json j;
  j["path"] = f.path();
  j["gguf_version"] = f.version();
  j["file_size"] = f.file_size();
  j["alignment"] = f.alignment();
  j["data_offset"] = f.data_offset();
  j["metadata_count"] = f.metadata().size();
  j["architecture"] = s.architecture;
  j["name"] = s.name;
  j["file_type"] = s.file_type ? json{{"id", *s.file_type},
                                      {"name", gguf::file_type_name(*s.file_type).value_or("unknown")}}
                               : json(nullptr);
  j["parameters"] = s.parameters;
  j["tensor_count"] = f.tensors().size();
  j["tensor_bytes"] = s.tensor_bytes;
  json hp = json::object();
  for (const auto& h : s.hyper_parameters) hp[h.name] = to_json(*h.value, SIZE_MAX);
  j["hyperparameters"] = hp;
  json types = json::array();
  for (const auto& t : s.types) {
    types.push_back({{"type", gguf::type_name(t.type)}, {"count", t.count}, {"bytes", t.bytes}});
  }
  j["tensor_types"] = types;
  json tok;
  tok["model"] = s.tokenizer_model;
  tok["pre"] = s.tokenizer_pre;
  tok["vocab_size"] = s.vocab_size ? json(*s.vocab_size) : json(nullptr);
  tok["merges"] = s.merges ? json(*s.merges) : json(nullptr);
  json special = json::object();
  for (const auto& st : s.special_tokens) {
    special[st.role] = {{"id", st.id}, {"text", st.text ? json(*st.text) : json(nullptr)}};
  }
  tok["special_tokens"] = special;
  auto opt = [](const std::optional<bool>& b) { return b ? json(*b) : json(nullptr); };
  tok["add_bos_token"] = opt(s.add_bos);
  tok["add_eos_token"] = opt(s.add_eos);
  tok["add_space_prefix"] = opt(s.add_space_prefix);
  j["tokenizer"] = tok;
  j["chat_template"] = s.chat_template ? json(*s.chat_template) : json(nullptr);
  if (o.tensors) {
    json ts = json::array();
    for (const auto& t : f.tensors()) {
      ts.push_back({{"name", t.name}, {"type", gguf::type_name(t.type)}, {"shape", t.ne},
                    {"elements", t.nelements()}, {"bytes", t.nbytes}, {"offset", t.offset}});
    }
    j["tensors"] = ts;
  }
  if (o.metadata) {
    json md = json::object();
    for (const auto& [k, v] : f.metadata()) {
      md[k] = {{"type", gguf::value_type_name(v.type())}, {"value", to_json(v, kMaxJsonArray)}};
    }
    j["metadata"] = md;
  }
  return j;
}

// At most `max` bytes of s, cut at a UTF-8 character boundary, with an ellipsis when cut.
std::string clip(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "...";
}

// Token texts may hold control characters or partial UTF-8: show them escaped and quoted.
std::string token_label(const std::optional<std::string>& text) {
  return text ? Value(*text).to_display() : std::string("(outside the vocabulary)");
}

void print_human(const File& f, const Summary& s, const InspectOptions& o) {
  auto row = [](const char* label, const std::string& value) { std::printf("%-15s %s\n", label, value.c_str()); };
  row("file", f.path());
  row("format", "GGUF v" + std::to_string(f.version()) + ", " + format_bytes(static_cast<double>(f.file_size())) +
                    " (" + with_commas(f.file_size()) + " bytes), alignment " + std::to_string(f.alignment()) +
                    ", " + std::to_string(f.metadata().size()) + " metadata keys");
  row("architecture", s.architecture.empty() ? "-" : s.architecture);
  row("name", s.name.empty() ? "-" : s.name);
  row("file type", file_type_label(s));
  row("parameters", count_short(s.parameters) + " (" + with_commas(s.parameters) + ")");
  row("tensors", std::to_string(f.tensors().size()) + ", " + format_bytes(static_cast<double>(s.tensor_bytes)) +
                     " of data");
  for (const auto& t : s.types) {
    std::printf("  %-10s %5" PRIu64 " tensors  %12s  %5.1f%%\n", std::string(gguf::type_name(t.type)).c_str(), t.count,
                format_bytes(static_cast<double>(t.bytes)).c_str(),
                s.tensor_bytes ? 100.0 * static_cast<double>(t.bytes) / static_cast<double>(s.tensor_bytes) : 0.0);
  }
  if (!s.hyper_parameters.empty()) {
    std::printf("hyper-parameters (%s.*)\n", s.architecture.c_str());
    for (const auto& h : s.hyper_parameters) std::printf("  %-36s %s\n", h.name.c_str(), h.value->to_display().c_str());
  }
  std::string tok = s.tokenizer_model.empty() ? "-" : s.tokenizer_model;
  if (!s.tokenizer_pre.empty()) tok += ", pre-tokenizer " + s.tokenizer_pre;
  if (s.vocab_size) tok += ", " + with_commas(*s.vocab_size) + " tokens";
  if (s.merges) tok += ", " + with_commas(*s.merges) + " merges";
  row("tokenizer", tok);
  for (const auto& st : s.special_tokens) {
    std::printf("  %-5s %8" PRId64 "  %s\n", st.role.c_str(), st.id, token_label(st.text).c_str());
  }
  auto flag = [](const std::optional<bool>& b) { return b ? (*b ? "true" : "false") : "(absent)"; };
  std::printf("  add_bos_token %s, add_eos_token %s, add_space_prefix %s\n", flag(s.add_bos), flag(s.add_eos),
              flag(s.add_space_prefix));
  if (s.chat_template == nullptr) {
    row("chat template", "-");
  } else {
    const auto lines = split(*s.chat_template, "\n");
    row("chat template", std::to_string(lines.size()) + " lines, " + std::to_string(s.chat_template->size()) +
                             " bytes (--json shows it in full)");
    for (size_t i = 0; i < lines.size() && i < 6; ++i) {
      std::printf("  | %s\n", clip(lines[i], 110).c_str());
    }
    if (lines.size() > 6) std::printf("  | ...\n");
  }
  if (o.tensors) {
    std::printf("\n%-40s %-8s %-22s %12s %12s\n", "tensor", "type", "shape", "bytes", "offset");
    for (const auto& t : f.tensors()) {
      std::printf("%-40s %-8s %-22s %12" PRIu64 " %12" PRIu64 "\n", t.name.c_str(),
                  std::string(gguf::type_name(t.type)).c_str(), shape_of(t).c_str(), t.nbytes, t.offset);
    }
  }
  if (o.metadata) {
    std::printf("\nmetadata\n");
    for (const auto& [k, v] : f.metadata()) {
      std::printf("  %-44s %-8s %s\n", k.c_str(), std::string(gguf::value_type_name(v.type())).c_str(),
                  clip(v.to_display(), 160).c_str());
    }
  }
}

int run(const InspectOptions& o) {
  auto f = File::open(o.path);
  if (!f.ok()) return report_error(f.error().message);
  const Summary s = gguf::summarize(*f);
  if (o.json) {
    // Token texts need not be valid UTF-8: replace bad bytes instead of throwing.
    std::printf("%s\n", build_json(*f, s, o).dump(2, ' ', false, json::error_handler_t::replace).c_str());
  } else {
    print_human(*f, s, o);
  }
  return 0;
}

const Registrar kInspect{{"inspect", "Show what a GGUF model or vocabulary file contains (metadata, shapes, types)",
                          [](CLI::App& sub) -> std::function<int()> {
                            auto o = std::make_shared<InspectOptions>();
                            sub.add_option("model", o->path, "GGUF file to inspect")->required();
                            sub.add_flag("--json", o->json, "Print one JSON object instead of text");
                            sub.add_flag("--tensors", o->tensors,
                                         "Also list every tensor (name, type, shape, bytes, offset)");
                            sub.add_flag("--metadata", o->metadata,
                                         "Also list every metadata key (long arrays abbreviated)");
                            return [o] { return run(*o); };
                          }}};

}  // namespace
}  // namespace ls::cli
