#include "server/generation_run.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace ls::server {
namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

// Engine thread → HTTP thread. Shared with the callbacks, which keep firing until on_done even
// after the HTTP side has lost interest.
struct GenerationRun::Channel {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<TokenEvent> tokens;
  std::optional<GenerationDone> done;
};

Result<std::unique_ptr<GenerationRun>> GenerationRun::start(Backend& backend,
                                                            GenerationRequest request) {
  std::unique_ptr<GenerationRun> run(new GenerationRun());
  auto ch = std::make_shared<Channel>();
  run->channel_ = ch;
  auto submitted = backend.submit(
      std::move(request),
      [ch](const TokenEvent& t) {
        {
          std::lock_guard lock(ch->mu);
          ch->tokens.push_back(t);
        }
        ch->cv.notify_one();
      },
      [ch](const GenerationDone& d) {
        {
          std::lock_guard lock(ch->mu);
          ch->done = d;
        }
        ch->cv.notify_one();
      });
  if (!submitted.ok()) return submitted.error();
  run->generation_ = std::move(submitted).value();
  return run;
}

GenerationRun::~GenerationRun() = default;  // destroying the Generation cancels it

RunOutcome GenerationRun::pump(const RunContext& ctx,
                               const std::function<bool(const TokenEvent&)>& on_token) {
  Channel& ch = *channel_;
  RunOutcome out;
  bool cancelled = false;
  auto cancel = [&] {
    if (!cancelled) generation_->cancel();
    cancelled = true;
  };
  std::optional<Clock::time_point> last_token;
  std::deque<TokenEvent> batch;
  for (;;) {
    std::optional<GenerationDone> done;
    {
      std::unique_lock lock(ch.mu);
      // Once cancelled the deadline no longer matters: just wait for the engine's on_done.
      const auto next_look = Clock::now() + ctx.poll;
      ch.cv.wait_until(lock, cancelled ? next_look : std::min(ctx.deadline, next_look),
                       [&] { return !ch.tokens.empty() || ch.done.has_value(); });
      batch.swap(ch.tokens);
      if (ch.done) done = ch.done;  // tokens always precede on_done, so `batch` is complete
    }
    const auto now = Clock::now();
    for (const TokenEvent& t : batch) {
      if (ctx.metrics != nullptr) {
        if (last_token) ctx.metrics->inter_token_latency.with({}).observe(seconds(now - *last_token));
        else ctx.metrics->time_to_first_token.with({}).observe(seconds(now - ctx.arrival));
      }
      last_token = now;
      if (!cancelled && !on_token(t)) {
        out.client_gone = true;
        cancel();
      }
    }
    batch.clear();
    if (done) {
      out.done = *done;
      break;
    }
    if (!cancelled && now >= ctx.deadline) {
      out.timed_out = true;
      cancel();
    }
    if (!cancelled && ctx.probe != nullptr && ctx.probe->peer_closed()) {
      out.client_gone = true;
      cancel();
    }
  }
  if (cancelled) out.done.reason = FinishReason::kCancelled;
  if (ctx.metrics != nullptr) {
    if (cancelled) ctx.metrics->cancelled.inc();
    ctx.metrics->prompt_tokens.inc(out.done.usage.prompt_tokens);
    ctx.metrics->generated_tokens.inc(out.done.usage.completion_tokens);
    ctx.metrics->cached_tokens.inc(out.done.usage.cached_tokens);
    const double prompt = ctx.metrics->prompt_tokens.value();
    if (prompt > 0) ctx.metrics->prefix_cache_hit_ratio.set(ctx.metrics->cached_tokens.value() / prompt);
  }
  return out;
}

}  // namespace ls::server
