// What the HTTP server needs from an inference engine. The real CPU engine (runtime/) and the
// scripted test engine both implement this; the server never knows which one it talks to.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace ls::server {

struct ModelInfo {
  std::string id;              // the name clients put in "model"
  std::string owned_by = "localseek";
  int64_t created = 0;         // unix seconds (file mtime for a GGUF)
  int context_length = 0;      // tokens
  double load_seconds = 0;     // fed into the model-load-time metric
};

struct ChatMessage {
  std::string role;     // system | user | assistant (developer is mapped to system by the parser)
  std::string content;  // text parts joined
};

// Sampling knobs as the client gave them; unset ones take the engine's/model's defaults.
struct SamplingParams {
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int> top_k;
  std::optional<double> min_p;
  std::optional<int64_t> seed;
  double presence_penalty = 0;
  double frequency_penalty = 0;
  double repetition_penalty = 1;
};

// The chat template's output for a conversation.
struct RenderedPrompt {
  std::string text;
  // The template already opened a reasoning block (DeepSeek-R1 ends the prompt with "<think>\n"),
  // so the generated text starts inside it.
  bool opens_reasoning = false;
};

struct GenerationRequest {
  std::string prompt;               // rendered, special tokens as text
  int max_tokens = -1;              // -1: until the context is full
  SamplingParams sampling;
  std::vector<std::string> stop;    // the engine stops before any of these and drops it
  int top_logprobs = 0;             // alternatives per token (0: only the chosen token's logprob)
  bool logprobs = false;
  bool ignore_eos = false;          // keep generating past end-of-generation tokens
};

struct TokenAlternative {
  int32_t id = 0;
  std::string text;  // the token's bytes, like TokenEvent::piece
  double logprob = 0;
};

// One generated token. `text` is the reply text that became final with it: it may be empty (a
// partial UTF-8 sequence, or text held back while it could start a stop string) or carry earlier
// tokens' held-back text. `piece` is the token's own bytes (control tokens rendered), which
// logprobs report as "token" and "bytes". runtime::token_logprobs computes logprob/top from the
// token's logits.
struct TokenEvent {
  std::string text;
  int32_t id = 0;
  std::string piece;
  double logprob = 0;                    // only meaningful when the request asked for logprobs
  std::vector<TokenAlternative> top;     // top_logprobs alternatives, best first
};

enum class FinishReason { kStop, kLength, kCancelled, kError };

struct Usage {
  int prompt_tokens = 0;
  int completion_tokens = 0;
  int cached_tokens = 0;  // prompt tokens served from the prefix cache
};

struct GenerationDone {
  FinishReason reason = FinishReason::kStop;
  Usage usage;
  std::string error;  // for kError: what went wrong (shown to the client)
};

// A paged KV pool shared by the running sequences (runtime::BatchEngine), as of its last step.
struct KvPoolStats {
  int page_size = 0;         // positions per page
  int pages_total = 0;
  int pages_referenced = 0;  // held by sequences
  int pages_cached = 0;      // prefix-cache pages nobody holds: reusable, evicted when room is needed
  uint64_t prefix_hit_pages = 0;   // prompt pages taken from the prefix cache at admission
  uint64_t prefix_miss_pages = 0;  // prompt pages that could have come from it but were computed
  uint64_t evictions = 0;          // cached pages reused for other content
  uint64_t preemptions = 0;        // sequences sent back to wait because the pool ran out
};

using TokenCallback = std::function<void(const TokenEvent&)>;
using DoneCallback = std::function<void(const GenerationDone&)>;

// A running generation. Destroying it cancels it; on_done is always called exactly once, after the
// last on_token, possibly on another thread.
class Generation {
 public:
  virtual ~Generation() = default;
  // Asks the engine to stop soon; on_done follows with kCancelled (unless it already finished).
  virtual void cancel() = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual ModelInfo info() const = 0;
  // Whether TokenEvent carries log-probabilities (requests asking for them get 501 otherwise).
  virtual bool supports_logprobs() const { return true; }
  // Fraction of the KV cache in use, for the localseek_kv_pool_used_ratio gauge; empty: unknown.
  virtual std::optional<double> kv_used_ratio() const { return std::nullopt; }
  // The paged KV pool and its prefix cache, for engines that have one (/metrics).
  virtual std::optional<KvPoolStats> kv_pool_stats() const { return std::nullopt; }

  virtual Result<std::vector<int32_t>> tokenize(std::string_view text, bool add_special,
                                                bool parse_special) const = 0;
  virtual Result<std::string> detokenize(const std::vector<int32_t>& tokens) const = 0;
  // The text of one token (for tokenize with_pieces); an error for an id outside the vocabulary.
  virtual Result<std::string> token_piece(int32_t token) const = 0;

  virtual Result<RenderedPrompt> render_chat(const std::vector<ChatMessage>& messages) const = 0;

  // Starts generating. Callbacks run on an engine thread and must not block for long.
  virtual Result<std::unique_ptr<Generation>> submit(GenerationRequest request,
                                                     TokenCallback on_token,
                                                     DoneCallback on_done) = 0;
};

const char* finish_reason_name(FinishReason r);

}  // namespace ls::server
