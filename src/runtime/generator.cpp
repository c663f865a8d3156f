#include "runtime/generator.h"

#include <algorithm>
#include <chrono>

#include "runtime/stop.h"

namespace ls::runtime {

std::string_view stop_reason_name(StopReason r) {
  switch (r) {
    case StopReason::kLength: return "length";
    case StopReason::kEndOfGeneration: return "eos";
    case StopReason::kStopString: return "stop";
    case StopReason::kContextFull: return "context_full";
    case StopReason::kCancelled: return "cancelled";
  }
  return "?";
}

Generator::Generator(model::Context& ctx, const tok::Tokenizer& tok, std::vector<int32_t> eog_ids)
    : ctx_(ctx), tok_(tok), eog_(std::move(eog_ids)) {}

bool Generator::is_eog(int32_t id) const { return std::find(eog_.begin(), eog_.end(), id) != eog_.end(); }

Result<GenerateResult> Generator::generate(std::span<const int32_t> prompt, const GenerateOptions& opts,
                                           const OnText& on_text) {
  using Clock = std::chrono::steady_clock;
  LS_TRY(opts.sampling.validate());
  if (prompt.empty()) return Error::invalid("the prompt is empty (no tokens)");
  if (static_cast<int>(prompt.size()) > ctx_.n_ctx()) {
    return Error::limit("the prompt has " + std::to_string(prompt.size()) +
                        " tokens but the context holds " + std::to_string(ctx_.n_ctx()) +
                        "; use a larger --ctx (the model allows " +
                        std::to_string(ctx_.model().hparams().n_ctx_train) + ") or a shorter prompt");
  }
  GenerateResult res;
  res.n_prompt = static_cast<int>(prompt.size());
  // Reuse the cached prefix; at least one token must be evaluated to get logits.
  size_t common = 0;
  while (common < cached_.size() && common < prompt.size() && cached_[common] == prompt[common]) ++common;
  common = std::min(common, prompt.size() - 1);
  ctx_.truncate(static_cast<int>(common));
  cached_.resize(common);
  res.n_prompt_reused = static_cast<int>(common);

  const auto t0 = Clock::now();
  auto logits = ctx_.eval(prompt.subspan(common));
  if (!logits.ok()) return logits.error();
  cached_.insert(cached_.end(), prompt.begin() + static_cast<std::ptrdiff_t>(common), prompt.end());
  const auto t1 = Clock::now();
  res.prompt_seconds = std::chrono::duration<double>(t1 - t0).count();

  Sampler sampler(opts.sampling, ctx_.model().hparams().n_vocab);
  for (int32_t id : prompt) sampler.accept(id);
  StopStrings stops(opts.stop);
  tok::StreamDecoder decoder(tok_);
  auto emit = [&](const std::string& text) {
    if (text.empty()) return true;
    res.text += text;
    return on_text ? on_text(text) : true;
  };
  std::span<const float> current = *logits;
  if (opts.max_tokens == 0) res.reason = StopReason::kLength;
  while (opts.max_tokens != 0) {
    const int32_t id = sampler.sample(current);
    sampler.accept(id);
    res.ids.push_back(id);
    if (opts.stop_at_eog && is_eog(id)) {
      res.reason = StopReason::kEndOfGeneration;
      break;
    }
    const StopStrings::Step step = stops.push(decoder.push(id));
    if (!emit(step.emit)) {
      res.reason = StopReason::kCancelled;
      break;
    }
    if (step.stopped) {
      res.reason = StopReason::kStopString;
      break;
    }
    // The last token is not evaluated: nothing would read its logits.
    if (opts.max_tokens > 0 && static_cast<int>(res.ids.size()) >= opts.max_tokens) {
      res.reason = StopReason::kLength;
      break;
    }
    if (ctx_.n_past() >= ctx_.n_ctx()) {
      res.reason = StopReason::kContextFull;
      break;
    }
    auto next = ctx_.eval(std::span<const int32_t>(&id, 1));
    if (!next.ok()) return next.error();
    cached_.push_back(id);
    current = *next;
  }
  if (res.reason != StopReason::kStopString && res.reason != StopReason::kCancelled) {
    emit(stops.push(decoder.flush()).emit + stops.flush());
  }
  res.gen_seconds = std::chrono::duration<double>(Clock::now() - t1).count();
  return res;
}

}  // namespace ls::runtime
