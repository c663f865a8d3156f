// `localseek logits -m MODEL --prompt TEXT | --ids 1,2,3 [--top K] [--json] [--exact | --ggml-order]`: teacher-forced
// next-token logits at every prompt position (the raw material of the parity tests).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>

#include "cli/command.h"
#include "cli/model_flags.h"
#include "runtime/session.h"
#include "util/strings.h"

namespace ls::cli {
namespace {

struct LogitsFlags {
  ModelFlags model;
  std::string prompt;
  std::string ids;
  int top = 10;
  bool json = false;
  bool exact = false;
  bool ggml_order = false;
};

Result<std::vector<int32_t>> parse_ids(const std::string& text) {
  std::vector<int32_t> out;
  for (const std::string& part : split(text, ",")) {
    const std::string_view p = trim(part);
    if (p.empty()) continue;
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (ec != std::errc() || end != p.data() + p.size() || v < 0 || v > INT32_MAX) {
      return Error::invalid("--ids: '" + std::string(p) + "' is not a token id");
    }
    out.push_back(static_cast<int32_t>(v));
  }
  if (out.empty()) return Error::invalid("--ids: no token ids given");
  return out;
}

int run(const LogitsFlags& f) {
  runtime::SessionOptions so = f.model.session_options();
  so.context.exact_weights = f.exact;
  so.context.ggml_order = f.ggml_order;
  auto session = runtime::Session::open(so);
  if (!session.ok()) return report_error(session.error().message);
  runtime::Session& s = **session;
  auto ids = f.ids.empty() ? s.tokenize_prompt(f.prompt) : parse_ids(f.ids);
  if (!ids.ok()) return report_error(ids.error().message);
  auto logits = s.context().eval(*ids, /*all_logits=*/true);
  if (!logits.ok()) return report_error(logits.error().message);
  const size_t nv = static_cast<size_t>(s.model().hparams().n_vocab);
  const size_t k = std::min(static_cast<size_t>(f.top), nv);
  std::vector<int32_t> order(nv);
  nlohmann::ordered_json positions = nlohmann::ordered_json::array();
  for (size_t pos = 0; pos < ids->size(); ++pos) {
    const float* row = logits->data() + pos * nv;
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                      [row](int32_t a, int32_t b) { return row[a] > row[b] || (row[a] == row[b] && a < b); });
    nlohmann::ordered_json top = nlohmann::ordered_json::array();
    for (size_t i = 0; i < k; ++i) top.push_back({order[i], row[order[i]]});
    if (f.json) {
      positions.push_back({{"pos", pos}, {"token", (*ids)[pos]}, {"top", top}});
    } else {
      std::printf("%4zu %6d %-16s", pos, (*ids)[pos],
                  ("'" + std::string(s.tokenizer().piece((*ids)[pos], true)) + "'").c_str());
      for (size_t i = 0; i < k; ++i) std::printf(" %d:%.4f", order[i], row[order[i]]);
      std::printf("\n");
    }
  }
  if (f.json) {
    nlohmann::ordered_json out = {{"prompt_ids", *ids}, {"positions", positions}};
    std::printf("%s\n", out.dump().c_str());
  }
  return 0;
}

const Registrar kLogits{{"logits", "Print the top next-token logits at every prompt position",
                         [](CLI::App& sub) -> std::function<int()> {
                           auto f = std::make_shared<LogitsFlags>();
                           f->model.add(sub, /*with_template=*/false);
                           auto* p = sub.add_option("-p,--prompt", f->prompt, "Prompt text (tokenized with BOS per metadata)");
                           auto* i = sub.add_option("--ids", f->ids, "Comma-separated token ids instead of a prompt");
                           p->excludes(i);
                           sub.add_option("--top", f->top, "Logits per position (default 10)")->check(CLI::Range(1, 1 << 20));
                           sub.add_flag("--json", f->json,
                                        "Print {\"positions\":[{\"pos\",\"token\",\"top\":[[id,logit],...]}]}");
                           sub.add_flag("--exact", f->exact,
                                        "Reference mode for debugging: weights dequantised exactly, F32 activations "
                                        "(no Q8 activation quantisation), double dot products, F32 KV cache; "
                                        "comparable with the float64 oracle files, slow");
                           auto* g = sub.add_flag("--ggml-order", f->ggml_order,
                                                  "llama.cpp parity mode: K-type dot products and RoPE rounded in the order of "
                                                  "llama.cpp's x86 CPU build (scalar kernels, slower)");
                           g->excludes("--exact");
                           return [f, p, i] {
                             if (p->count() == 0 && i->count() == 0) return report_error("give --prompt or --ids");
                             return run(*f);
                           };
                         }}};

}  // namespace
}  // namespace ls::cli
