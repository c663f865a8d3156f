#include "server/backend_query_model.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>

#include "chat/reasoning_parser.h"

namespace ls::server {

rag::QueryModel backend_query_model(Backend& backend, double timeout_seconds) {
  return [&backend, timeout_seconds](const std::vector<rag::Message>& messages) -> Result<std::string> {
    std::vector<ChatMessage> conv;
    for (const auto& m : messages) conv.push_back({m.role, m.content});
    LS_ASSIGN_OR_RETURN(RenderedPrompt rendered, backend.render_chat(conv));
    GenerationRequest req;
    req.prompt = rendered.text;
    if (rendered.opens_reasoning) req.prompt += "\n</think>\n\n";
    req.max_tokens = rag::kRewriteMaxTokens;
    req.sampling.temperature = 0;
    // Shared with the engine thread, which may still call back after a timeout here.
    struct State {
      std::mutex mu;
      std::condition_variable cv;
      std::string text;
      bool done = false;
      GenerationDone result;
    };
    auto st = std::make_shared<State>();
    auto gen = backend.submit(
        std::move(req),
        [st](const TokenEvent& e) {
          std::lock_guard<std::mutex> lock(st->mu);
          st->text += e.text;
        },
        [st](const GenerationDone& d) {
          std::lock_guard<std::mutex> lock(st->mu);
          st->done = true;
          st->result = d;
          st->cv.notify_all();
        });
    if (!gen.ok()) return gen.error();
    std::unique_lock<std::mutex> lock(st->mu);
    const auto deadline = std::chrono::duration<double>(timeout_seconds);
    if (!st->cv.wait_for(lock, deadline, [&] { return st->done; })) {
      lock.unlock();
      (*gen)->cancel();
      char secs[32];
      std::snprintf(secs, sizeof secs, "%.3g", timeout_seconds);
      return Error::limit(std::string("timed out after ") + secs + " s");
    }
    if (st->result.reason == FinishReason::kError) return Error::internal("generation failed: " + st->result.error);
    // A line that has not ended within the limit is cut mid-way (or is no query at all).
    if (st->result.reason == FinishReason::kLength)
      return Error::invalid("the model's query did not end within " + std::to_string(rag::kRewriteMaxTokens) + " tokens");
    chat::ReasoningParser parser(false);
    chat::ReasoningDelta a = parser.feed(st->text);
    chat::ReasoningDelta b = parser.finish();
    return a.content + b.content;
  };
}

}  // namespace ls::server
