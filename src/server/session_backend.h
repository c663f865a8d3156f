// The CPU engine behind the server, for now: one runtime::Session (model, tokenizer, one KV
// context) and its single-sequence Generator. Generations run one at a time (the admission queue
// holds the rest); the generator reuses the KV of the previous prompt's common prefix, reported as
// cached_tokens. Each generated token's logprobs come from its step's raw logits
// (runtime::token_logprobs). The continuous-batching scheduler replaces this adapter when it lands.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "runtime/generator.h"
#include "runtime/session.h"
#include "server/backend.h"
#include "server/engine_text.h"

namespace ls::server {

class SessionBackend : public SessionTextBackend {
 public:
  static Result<std::shared_ptr<SessionBackend>> open(const runtime::SessionOptions& options);
  ~SessionBackend() override;

  Result<std::unique_ptr<Generation>> submit(GenerationRequest request, TokenCallback on_token,
                                             DoneCallback on_done) override;

 private:
  friend class SessionGeneration;
  SessionBackend() = default;

  std::unique_ptr<runtime::Generator> generator_;
  std::mutex run_mu_;  // one generation at a time on the one context
};

}  // namespace ls::server
