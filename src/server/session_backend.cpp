#include "server/session_backend.h"

#include <atomic>
#include <chrono>
#include <thread>

#include "runtime/logprobs.h"
#include "server/engine_text.h"

namespace ls::server {

class SessionGeneration : public Generation {
 public:
  SessionGeneration(SessionBackend* owner, std::vector<int32_t> prompt,
                    runtime::GenerateOptions options, bool logprobs, int top_logprobs,
                    TokenCallback on_token, DoneCallback on_done) {
    thread_ = std::thread([this, owner, prompt = std::move(prompt), options = std::move(options),
                           logprobs, top_logprobs,
                           on_token = std::move(on_token), on_done = std::move(on_done)] {
      GenerationDone done;
      std::lock_guard lock(owner->run_mu_);
      if (cancelled_.load()) {
        done.reason = FinishReason::kCancelled;
        on_done(done);
        return;
      }
      const tok::Tokenizer& tok = owner->session_->tokenizer();
      auto result = owner->generator_->generate_steps(prompt, options, [&](const runtime::TokenStep& step) {
        TokenEvent t;
        t.id = step.id;
        t.text = std::string(step.text);
        t.piece = std::string(tok.piece(step.id, /*render_special=*/true));
        if (logprobs) {
          const runtime::TokenLogprobs lp = runtime::token_logprobs(step.logits, step.id, top_logprobs);
          t.logprob = lp.chosen.logprob;
          t.top.reserve(lp.top.size());
          for (const auto& alt : lp.top)
            t.top.push_back({alt.id, std::string(tok.piece(alt.id, true)), alt.logprob});
        }
        on_token(t);
        return !cancelled_.load();
      });
      const model::Context& ctx = owner->session_->context();
      owner->kv_used_.store(ctx.n_ctx() > 0 ? static_cast<double>(ctx.n_past()) / ctx.n_ctx() : 0.0);
      if (!result.ok()) {
        done.reason = FinishReason::kError;
        done.error = result.error().message;
      } else {
        done.reason = finish_of(result->reason);
        done.usage.prompt_tokens = result->n_prompt;
        done.usage.cached_tokens = result->n_prompt_reused;
        done.usage.completion_tokens = static_cast<int>(result->ids.size());
      }
      on_done(done);
    });
  }
  ~SessionGeneration() override {
    cancel();
    thread_.join();
  }
  void cancel() override { cancelled_.store(true); }

 private:
  std::atomic<bool> cancelled_{false};
  std::thread thread_;
};

Result<std::shared_ptr<SessionBackend>> SessionBackend::open(const runtime::SessionOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::shared_ptr<SessionBackend> b(new SessionBackend());
  LS_ASSIGN_OR_RETURN(b->session_, runtime::Session::open(options));
  b->generator_ = std::make_unique<runtime::Generator>(b->session_->context(), b->session_->tokenizer(),
                                                       b->session_->eog_ids());
  b->info_ = session_model_info(options.model_path, b->session_->context().n_ctx(), start);
  return b;
}

SessionBackend::~SessionBackend() = default;

Result<std::unique_ptr<Generation>> SessionBackend::submit(GenerationRequest request,
                                                           TokenCallback on_token,
                                                           DoneCallback on_done) {
  LS_ASSIGN_OR_RETURN(std::vector<int32_t> prompt,
                      request_prompt_ids(*session_, request, session_->context().n_ctx(),
                                         "--ctx " + std::to_string(session_->context().n_ctx())));
  LS_ASSIGN_OR_RETURN(runtime::GenerateOptions options, engine_options(request));
  return std::unique_ptr<Generation>(std::make_unique<SessionGeneration>(
      this, std::move(prompt), std::move(options), request.logprobs, request.top_logprobs,
      std::move(on_token), std::move(on_done)));
}

}  // namespace ls::server
