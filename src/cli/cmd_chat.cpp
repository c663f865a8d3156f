// `localseek chat -m MODEL`: interactive multi-turn chat with the model's chat template. Replies
// stream; DeepSeek-R1 reasoning (<think>…</think>) is shown dimmed, apart from the answer. Ctrl-C
// stops a reply (a second Ctrl-C at the prompt, or /exit, or end of input leaves). Each turn only
// evaluates its new tokens: the conversation so far stays in the KV cache.
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include <unistd.h>

#include "chat/reasoning_parser.h"
#include "cli/command.h"
#include "cli/model_flags.h"
#include "cli/reasoning_printer.h"
#include "runtime/generator.h"
#include "runtime/session.h"
#include "util/strings.h"

namespace ls::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_sigint(int) { g_interrupted.store(true); }

struct ChatFlags {
  ModelFlags model;
  SamplingFlags sampling;
  std::string system;
  int n_predict = -1;
  bool show_stats = false;
};

int run(const ChatFlags& f, const CLI::App& sub) {
  auto session = runtime::Session::open(f.model.session_options());
  if (!session.ok()) return report_error(session.error().message);
  runtime::Session& s = **session;
  if (!s.has_chat_template()) {
    return report_error(f.model.model + " has no chat template (tokenizer.chat_template); pass one with --chat-template FILE");
  }
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);  // no SA_RESTART: Ctrl-C at the prompt ends the read

  const bool interactive = isatty(STDIN_FILENO) != 0;
  ReasoningPrinter out(isatty(STDOUT_FILENO) != 0);
  runtime::Generator gen(s.context(), s.tokenizer(), s.eog_ids());
  const runtime::GenerateOptions opts = f.sampling.generate_options(sub, f.n_predict);

  nlohmann::ordered_json messages = nlohmann::ordered_json::array();
  if (!f.system.empty()) messages.push_back({{"role", "system"}, {"content", f.system}});
  if (interactive) std::fprintf(stderr, "Chatting with %s. /reset clears the conversation, /exit leaves, Ctrl-C stops a reply.\n", f.model.model.c_str());
  std::string line;
  for (;;) {
    if (interactive) std::fputs("> ", stderr);
    g_interrupted.store(false);
    if (!std::getline(std::cin, line)) break;
    const std::string text(trim(line));
    if (text.empty()) continue;
    if (text == "/exit" || text == "/quit") break;
    if (text == "/reset") {
      messages.erase(messages.begin() + (f.system.empty() ? 0 : 1), messages.end());
      std::fprintf(stderr, "(conversation cleared)\n");
      continue;
    }
    messages.push_back({{"role", "user"}, {"content", text}});
    std::string rendered;
    auto prompt = s.chat_prompt(messages, &rendered);
    if (!prompt.ok()) return report_error(prompt.error().message);
    // R1 templates open the think block in the generation prompt.
    const std::string_view tail = trim(rendered);
    chat::ReasoningParser parser(tail.ends_with("<think>"));
    std::string answer;
    auto on_text = [&](std::string_view t) {
      const chat::ReasoningDelta d = parser.feed(t);
      out.reasoning(d.reasoning);
      out.content(d.content);
      answer += d.content;
      return !g_interrupted.load();
    };
    auto res = gen.generate(*prompt, opts, on_text);
    if (!res.ok()) {
      out.end();
      std::fprintf(stderr, "localseek: error: %s\n", res.error().message.c_str());
      messages.erase(messages.end() - 1);
      continue;
    }
    const chat::ReasoningDelta d = parser.finish();
    out.reasoning(d.reasoning);
    out.content(d.content);
    answer += d.content;
    out.end();
    if (res->reason == runtime::StopReason::kCancelled) std::fprintf(stderr, "(stopped)\n");
    if (res->reason == runtime::StopReason::kContextFull) {
      std::fprintf(stderr, "(the context is full: /reset to start over, or use a larger --ctx)\n");
    }
    if (f.show_stats) {
      std::fprintf(stderr, "[prompt %d tokens (%d reused), %.1f tokens/s; reply %zu tokens, %.1f tokens/s]\n",
                   res->n_prompt, res->n_prompt_reused,
                   res->prompt_seconds > 0 ? (res->n_prompt - res->n_prompt_reused) / res->prompt_seconds : 0.0,
                   res->ids.size(), res->gen_seconds > 0 ? res->ids.size() / res->gen_seconds : 0.0);
    }
    messages.push_back({{"role", "assistant"}, {"content", answer}});
  }
  return 0;
}

const Registrar kChat{{"chat", "Chat with a model interactively (its chat template, streaming, <think> shown dimmed)",
                       [](CLI::App& sub) -> std::function<int()> {
                         auto f = std::make_shared<ChatFlags>();
                         f->model.add(sub, /*with_template=*/true);
                         f->sampling.add(sub);
                         sub.add_option("--system", f->system, "System message");
                         sub.add_option("-n,--n-predict", f->n_predict,
                                        "Most tokens per reply; -1 = until end of turn or a full context (default)")
                             ->check(CLI::Range(-1, 1 << 24));
                         sub.add_flag("--stats", f->show_stats, "Print token counts and speed after each reply");
                         return [f, &sub] { return run(*f, sub); };
                       }}};

}  // namespace
}  // namespace ls::cli
