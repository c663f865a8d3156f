// `localseek run -m MODEL -p PROMPT [-n N] [--chat] [--json] ...`: generates a continuation and
// streams it to stdout; speed figures go to stderr.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/command.h"
#include "cli/model_flags.h"
#include "runtime/generator.h"
#include "runtime/session.h"

namespace ls::cli {
namespace {

struct RunFlags {
  ModelFlags model;
  SamplingFlags sampling;
  std::string prompt;
  int n_predict = 256;
  bool chat = false;
  bool json = false;
};

void print_speed(const runtime::GenerateResult& r) {
  const int prompt_evaluated = r.n_prompt - r.n_prompt_reused;
  const int generated = static_cast<int>(r.ids.size());
  std::fprintf(stderr, "\nprompt: %d tokens in %.3f s (%.1f tokens/s); generation: %d tokens in %.3f s (%.1f tokens/s); stop: %s\n",
               prompt_evaluated, r.prompt_seconds, r.prompt_seconds > 0 ? prompt_evaluated / r.prompt_seconds : 0.0,
               generated, r.gen_seconds, r.gen_seconds > 0 ? generated / r.gen_seconds : 0.0,
               std::string(runtime::stop_reason_name(r.reason)).c_str());
}

int run(const RunFlags& f, const CLI::App& sub) {
  auto session = runtime::Session::open(f.model.session_options());
  if (!session.ok()) return report_error(session.error().message);
  runtime::Session& s = **session;
  Result<std::vector<int32_t>> prompt = std::vector<int32_t>{};
  if (f.chat) {
    nlohmann::ordered_json messages = nlohmann::ordered_json::array();
    messages.push_back({{"role", "user"}, {"content", f.prompt}});
    prompt = s.chat_prompt(messages);
  } else {
    prompt = s.tokenize_prompt(f.prompt);
  }
  if (!prompt.ok()) return report_error(prompt.error().message);

  const runtime::GenerateOptions opts = f.sampling.generate_options(sub, f.n_predict);
  runtime::Generator gen(s.context(), s.tokenizer(), s.eog_ids());
  auto stream = [&](std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return true;
  };
  auto res = f.json ? gen.generate(*prompt, opts) : gen.generate(*prompt, opts, stream);
  if (!res.ok()) return report_error(res.error().message);
  if (f.json) {
    nlohmann::ordered_json out = {{"prompt_ids", *prompt}, {"ids", res->ids}, {"text", res->text},
                          {"stop_reason", runtime::stop_reason_name(res->reason)}};
    std::printf("%s\n", out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
  } else {
    std::printf("\n");
  }
  print_speed(*res);
  return 0;
}

const Registrar kRun{{"run", "Generate text from a prompt with a GGUF model (streams to stdout)",
                      [](CLI::App& sub) -> std::function<int()> {
                        auto f = std::make_shared<RunFlags>();
                        f->model.add(sub, /*with_template=*/true);
                        sub.add_option("-p,--prompt", f->prompt, "Prompt text")->required();
                        sub.add_option("-n,--n-predict", f->n_predict,
                                       "Tokens to generate; -1 = until the context is full (default 256)")
                            ->check(CLI::Range(-1, 1 << 24));
                        f->sampling.add(sub);
                        sub.add_flag("--chat", f->chat, "Wrap the prompt as a user message in the model's chat template");
                        sub.add_flag("--json", f->json,
                                     "Print {\"prompt_ids\", \"ids\", \"text\"} instead of streaming text");
                        return [f, &sub] { return run(*f, sub); };
                      }}};

}  // namespace
}  // namespace ls::cli
