#include "server/session_backend.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

namespace ls::server {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string bos_text(const tok::Tokenizer& tok) {
  const tok::Vocab& v = tok.vocab();
  return v.valid(v.bos) ? std::string(tok.piece(v.bos, true)) : std::string();
}

Result<runtime::GenerateOptions> engine_options(const GenerationRequest& r) {
  runtime::GenerateOptions o;
  o.max_tokens = r.max_tokens;
  o.stop = r.stop;
  const SamplingParams& s = r.sampling;
  if (s.temperature) o.sampling.temperature = static_cast<float>(*s.temperature);
  if (s.top_p) o.sampling.top_p = static_cast<float>(*s.top_p);
  if (s.top_k) o.sampling.top_k = *s.top_k;
  if (s.min_p) o.sampling.min_p = static_cast<float>(*s.min_p);
  if (s.seed) {
    o.sampling.seed = static_cast<uint64_t>(*s.seed);
    o.sampling.has_seed = true;
  }
  o.sampling.repeat_penalty = static_cast<float>(s.repetition_penalty);
  o.sampling.presence_penalty = static_cast<float>(s.presence_penalty);
  o.sampling.frequency_penalty = static_cast<float>(s.frequency_penalty);
  LS_TRY(o.sampling.validate());
  return o;
}

FinishReason finish_of(runtime::StopReason r) {
  switch (r) {
    case runtime::StopReason::kLength:
    case runtime::StopReason::kContextFull: return FinishReason::kLength;
    case runtime::StopReason::kEndOfGeneration:
    case runtime::StopReason::kStopString: return FinishReason::kStop;
    case runtime::StopReason::kCancelled: return FinishReason::kCancelled;
  }
  return FinishReason::kStop;
}

}  // namespace

class SessionGeneration : public Generation {
 public:
  SessionGeneration(SessionBackend* owner, std::vector<int32_t> prompt,
                    runtime::GenerateOptions options, TokenCallback on_token, DoneCallback on_done) {
    thread_ = std::thread([this, owner, prompt = std::move(prompt), options = std::move(options),
                           on_token = std::move(on_token), on_done = std::move(on_done)] {
      GenerationDone done;
      std::lock_guard lock(owner->run_mu_);
      if (cancelled_.load()) {
        done.reason = FinishReason::kCancelled;
        on_done(done);
        return;
      }
      auto result = owner->generator_->generate(prompt, options, [&](std::string_view text) {
        TokenEvent t;
        t.text = std::string(text);
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
  const std::filesystem::path path(options.model_path);
  b->info_.id = path.stem().string();
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(path, ec);
  if (!ec) {
    b->info_.created = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::file_clock::to_sys(mtime).time_since_epoch())
                           .count();
  }
  b->info_.context_length = b->session_->context().n_ctx();
  b->info_.load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return b;
}

SessionBackend::~SessionBackend() = default;

Result<std::vector<int32_t>> SessionBackend::tokenize(std::string_view text, bool add_special,
                                                      bool parse_special) const {
  tok::TokenizeOptions o;
  o.add_special = add_special;
  o.parse_special = parse_special;
  return session_->tokenizer().tokenize(text, o);
}

Result<std::string> SessionBackend::detokenize(const std::vector<int32_t>& tokens) const {
  const tok::Vocab& v = session_->tokenizer().vocab();
  for (size_t i = 0; i < tokens.size(); ++i)
    if (!v.valid(tokens[i]))
      return Error::invalid("tokens[" + std::to_string(i) + "]: id " + std::to_string(tokens[i]) +
                            " is outside the vocabulary (0.." + std::to_string(v.size() - 1) + ")");
  return session_->tokenizer().detokenize(tokens);
}

Result<std::string> SessionBackend::token_piece(int32_t token) const {
  const tok::Vocab& v = session_->tokenizer().vocab();
  if (!v.valid(token)) return Error::invalid("token id " + std::to_string(token) + " is outside the vocabulary");
  return std::string(session_->tokenizer().piece(token, true));
}

Result<RenderedPrompt> SessionBackend::render_chat(const std::vector<ChatMessage>& messages) const {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& m : messages) list.push_back({{"role", m.role}, {"content", m.content}});
  RenderedPrompt r;
  auto ids = session_->chat_prompt(list, &r.text);
  if (!ids.ok()) return ids.error();
  // R1's later template ends the prompt inside an opened think block.
  std::string_view tail = r.text;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.remove_suffix(1);
  r.opens_reasoning = tail.size() >= 7 && tail.substr(tail.size() - 7) == "<think>";
  return r;
}

Result<std::unique_ptr<Generation>> SessionBackend::submit(GenerationRequest request,
                                                           TokenCallback on_token,
                                                           DoneCallback on_done) {
  const tok::Tokenizer& tok = session_->tokenizer();
  tok::TokenizeOptions o;
  // A prompt that already starts with the BOS text (chat templates write it) gets no second one.
  const std::string bos = bos_text(tok);
  o.add_special = bos.empty() || !starts_with(request.prompt, bos);
  LS_ASSIGN_OR_RETURN(std::vector<int32_t> prompt, tok.tokenize(request.prompt, o));
  const int n_ctx = session_->context().n_ctx();
  if (static_cast<int>(prompt.size()) >= n_ctx)
    return Error::limit("the prompt is " + std::to_string(prompt.size()) +
                        " tokens, the context holds " + std::to_string(n_ctx));
  LS_ASSIGN_OR_RETURN(runtime::GenerateOptions options, engine_options(request));
  return std::unique_ptr<Generation>(std::make_unique<SessionGeneration>(
      this, std::move(prompt), std::move(options), std::move(on_token), std::move(on_done)));
}

}  // namespace ls::server
