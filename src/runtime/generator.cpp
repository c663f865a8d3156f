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
  if (!on_text) return generate_steps(prompt, opts, {});
  return generate_steps(prompt, opts, [&](const TokenStep& step) {
    return step.text.empty() || on_text(step.text);
  });
}

Result<GenerateResult> Generator::generate_steps(std::span<const int32_t> prompt,
                                                 const GenerateOptions& opts, const OnStep& on_step) {
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
  std::span<const float> current = *logits;
  if (opts.max_tokens == 0) res.reason = StopReason::kLength;
  while (opts.max_tokens != 0) {
    const int32_t id = sampler.sample(current);
    sampler.accept(id);
    res.ids.push_back(id);
    // Decide whether this token ends the generation before reporting it, so its step can carry
    // the held-back text and every token gets exactly one step.
    std::string text;
    bool last = true;
    if (opts.stop_at_eog && is_eog(id)) {
      res.reason = StopReason::kEndOfGeneration;
    } else {
      const StopStrings::Step step = stops.push(decoder.push(id));
      text = step.emit;
      if (step.stopped) {
        res.reason = StopReason::kStopString;
      } else if (opts.max_tokens > 0 && static_cast<int>(res.ids.size()) >= opts.max_tokens) {
        res.reason = StopReason::kLength;
      } else if (ctx_.n_past() >= ctx_.n_ctx()) {
        res.reason = StopReason::kContextFull;
      } else {
        last = false;
      }
    }
    if (last && res.reason != StopReason::kStopString)
      text += stops.push(decoder.flush()).emit + stops.flush();
    res.text += text;
    if (on_step && !on_step(TokenStep{id, current, text, last})) {
      res.reason = StopReason::kCancelled;
      break;
    }
    // The last token is not evaluated: nothing would read its logits.
    if (last) break;
    auto next = ctx_.eval(std::span<const int32_t>(&id, 1));
    if (!next.ok()) return next.error();
    cached_.push_back(id);
    current = *next;
  }
  res.gen_seconds = std::chrono::duration<double>(Clock::now() - t1).count();
  return res;
}

}  // namespace ls::runtime
