#include "cli/chat_answerer.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

namespace ls::cli {

Result<AnswerRun> ChatAnswerer::answer(const std::vector<rag::Message>& messages, const AnswerOptions& o,
                                       const OnDelta& on_delta) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  if (!session_.has_chat_template())
    return Error::invalid("the model has no chat template; pass one with --chat-template FILE");
  nlohmann::ordered_json conv = nlohmann::ordered_json::array();
  for (const auto& m : messages) conv.push_back({{"role", m.role}, {"content", m.content}});
  std::string rendered;
  LS_ASSIGN_OR_RETURN(std::vector<int32_t> prompt, session_.chat_prompt(conv, &rendered));
  bool in_reasoning = chat::prompt_opens_reasoning(rendered);
  if (o.skip_reasoning && in_reasoning) {
    LS_ASSIGN_OR_RETURN(std::vector<int32_t> close,
                        session_.tokenizer().tokenize("\n</think>\n\n", tok::TokenizeOptions{.add_special = false,
                                                                                             .parse_special = true}));
    prompt.insert(prompt.end(), close.begin(), close.end());
    in_reasoning = false;
  }
  const int n_ctx = session_.context().n_ctx();
  if (static_cast<int>(prompt.size()) >= n_ctx)
    return Error::limit("the prompt has " + std::to_string(prompt.size()) + " tokens and does not fit the context of " +
                        std::to_string(n_ctx) + " (lower --budget or raise --ctx)");

  AnswerRun run;
  chat::ReasoningParser parser(in_reasoning);
  auto take = [&](const chat::ReasoningDelta& d) {
    run.out.reasoning += d.reasoning;
    run.out.answer += d.content;
    if (on_delta) on_delta(d);
  };
  auto res = gen_.generate(prompt, o.generate, [&](std::string_view text) {
    take(parser.feed(text));
    if (o.deadline_s > 0 && std::chrono::duration<double>(Clock::now() - t0).count() > o.deadline_s) {
      run.timed_out = true;
      return false;
    }
    return true;
  });
  if (!res.ok()) return res.error();
  take(parser.finish());
  run.out.reasoning_closed = parser.in_content();
  run.out.prompt_tokens = res->n_prompt;
  run.out.completion_tokens = static_cast<int>(res->ids.size());
  run.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return run;
}

}  // namespace ls::cli
