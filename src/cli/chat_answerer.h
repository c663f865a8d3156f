// One chat model answering conversations on the CPU engine, reasoning split from the answer text.
// `ask` streams through it; `eval rag` and the model's query rewrite take whole answers from it.
// One Generator is kept, so consecutive prompts reuse the prefix they share (the grounding
// instruction, or the conversation the rewrite prompt repeats).
#pragma once

#include <functional>
#include <vector>

#include "chat/reasoning_parser.h"
#include "rag/answer_eval.h"
#include "rag/conversation.h"
#include "runtime/generator.h"
#include "runtime/session.h"

namespace ls::cli {

struct AnswerOptions {
  runtime::GenerateOptions generate;
  // The prompt's open think block is closed right away ("…<think>\n" + "\n</think>\n\n"), so an R1
  // model answers without reasoning first: for short utility answers such as a search query.
  bool skip_reasoning = false;
  double deadline_s = 0;  // > 0: generation is cancelled after this many seconds
};

struct AnswerRun {
  rag::GeneratedAnswer out;
  bool timed_out = false;
  double seconds = 0;
};

class ChatAnswerer {
 public:
  explicit ChatAnswerer(runtime::Session& session)
      : session_(session), gen_(session.context(), session.tokenizer(), session.eog_ids()) {}

  using OnDelta = std::function<void(const chat::ReasoningDelta&)>;
  // Errors: no chat template, a prompt that does not fit the context, engine errors.
  Result<AnswerRun> answer(const std::vector<rag::Message>& messages, const AnswerOptions& options,
                           const OnDelta& on_delta = {});

 private:
  runtime::Session& session_;
  runtime::Generator gen_;
};

}  // namespace ls::cli
