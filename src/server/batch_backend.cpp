#include "server/batch_backend.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

#include "runtime/kv_sizing.h"
#include "runtime/logprobs.h"
#include "runtime/sampler.h"
#include "runtime/stop.h"
#include "server/engine_text.h"
#include "util/log.h"

namespace ls::server {

struct BatchBackend::Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::shared_ptr<Job>> incoming;  // submitted, not yet in the engine
  bool stop = false;
  Stats stats;  // as of the last step
};

struct BatchBackend::Job {
  std::vector<int32_t> prompt;
  runtime::GenerateOptions options;
  TokenCallback on_token;
  DoneCallback on_done;
  std::atomic<bool> cancelled{false};
  // Set once on_done has run; the Generation handle waits for it.
  std::mutex done_mu;
  std::condition_variable done_cv;
  bool done = false;
  // Engine thread only.
  runtime::BatchEngine::SeqId seq = 0;
  std::optional<runtime::Sampler> sampler;
  std::optional<runtime::StopStrings> stops;
  std::optional<tok::StreamDecoder> decoder;
  int generated = 0;
  bool logprobs = false;
  int top_logprobs = 0;
};

namespace {

class BatchGeneration : public Generation {
 public:
  BatchGeneration(std::shared_ptr<BatchBackend::Job> job, std::shared_ptr<BatchBackend::Inbox> inbox)
      : job_(std::move(job)), inbox_(std::move(inbox)) {}
  ~BatchGeneration() override {
    cancel();
    std::unique_lock lock(job_->done_mu);
    job_->done_cv.wait(lock, [&] { return job_->done; });
  }
  void cancel() override {
    job_->cancelled.store(true);
    { std::lock_guard lock(inbox_->mu); }  // the engine thread is waiting or will look before it waits
    inbox_->cv.notify_all();
  }

 private:
  std::shared_ptr<BatchBackend::Job> job_;
  std::shared_ptr<BatchBackend::Inbox> inbox_;
};

}  // namespace

Result<std::shared_ptr<BatchBackend>> BatchBackend::open(const BatchBackendOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::shared_ptr<BatchBackend> b(new BatchBackend());
  runtime::SessionOptions so = options.session;
  so.create_context = false;
  LS_ASSIGN_OR_RETURN(b->session_, runtime::Session::open(so));
  runtime::BatchEngineOptions eo = options.engine;
  runtime::KvSizingRequest sr;
  sr.n_ctx = eo.n_ctx;
  sr.pool_tokens = eo.pool_tokens;
  sr.kv_memory = options.kv_memory;
  sr.max_running = eo.max_running;
  sr.page_size = eo.page_size;
  sr.kv_type = eo.kv_type;
  LS_ASSIGN_OR_RETURN(const runtime::KvSizing sizing, runtime::size_kv_pool(b->session_->model().hparams(), sr));
  eo.n_ctx = sizing.n_ctx;
  eo.pool_tokens = sizing.pool_tokens;
  if (eo.n_threads <= 0) eo.n_threads = options.session.context.n_threads;
  LS_ASSIGN_OR_RETURN(b->engine_, runtime::BatchEngine::create(b->session_->shared_model(), eo));
  b->info_ = session_model_info(options.session.model_path, eo.n_ctx, start);
  b->inbox_ = std::make_shared<Inbox>();
  b->inbox_->stats.pages_total = b->engine_->pool().n_pages();
  b->inbox_->stats.page_size = b->engine_->pool().page_size();
  b->thread_ = std::thread([raw = b.get()] { raw->run(); });
  return b;
}

BatchBackend::~BatchBackend() {
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->stop = true;
  }
  inbox_->cv.notify_all();
  if (thread_.joinable()) thread_.join();
}

BatchBackend::Stats BatchBackend::stats() const {
  std::lock_guard lock(inbox_->mu);
  return inbox_->stats;
}

Result<std::unique_ptr<Generation>> BatchBackend::submit(GenerationRequest request, TokenCallback on_token,
                                                         DoneCallback on_done) {
  auto job = std::make_shared<Job>();
  const runtime::BatchEngineOptions& eo = engine_->options();
  LS_ASSIGN_OR_RETURN(job->prompt, request_prompt_ids(*session_, request, eo.n_ctx,
                                                      "--ctx " + std::to_string(eo.n_ctx) + "; the KV pool holds " +
                                                          std::to_string(eo.pool_tokens) + " positions"));
  LS_ASSIGN_OR_RETURN(job->options, engine_options(request));
  job->logprobs = request.logprobs || request.top_logprobs > 0;
  job->top_logprobs = request.top_logprobs;
  job->on_token = std::move(on_token);
  job->on_done = std::move(on_done);
  {
    std::lock_guard lock(inbox_->mu);
    if (inbox_->stop) return Error::internal("the engine is shutting down");
    inbox_->incoming.push_back(job);
  }
  inbox_->cv.notify_all();
  return std::unique_ptr<Generation>(std::make_unique<BatchGeneration>(job, inbox_));
}

void BatchBackend::finish(Job& job, FinishReason reason) {
  GenerationDone d;
  d.reason = reason;
  d.usage.prompt_tokens = static_cast<int>(job.prompt.size());
  d.usage.completion_tokens = job.generated;
  if (job.seq != 0) {
    d.usage.cached_tokens = std::max(0, engine_->cached_tokens(job.seq));
    engine_->remove(job.seq);
    active_.erase(job.seq);
  }
  job.on_done(d);
  {
    std::lock_guard lock(job.done_mu);
    job.done = true;
  }
  job.done_cv.notify_all();
}

void BatchBackend::start_job(const std::shared_ptr<Job>& job) {
  if (job->cancelled.load()) return finish(*job, FinishReason::kCancelled);
  auto id = engine_->add(job->prompt);
  if (!id.ok()) {
    GenerationDone d;
    d.reason = FinishReason::kError;
    d.error = id.error().message;
    job->on_done(d);
    std::lock_guard lock(job->done_mu);
    job->done = true;
    job->done_cv.notify_all();
    return;
  }
  job->seq = *id;
  job->sampler.emplace(job->options.sampling, engine_->model().hparams().n_vocab);
  for (int32_t t : job->prompt) job->sampler->accept(t);
  job->stops.emplace(job->options.stop);
  job->decoder.emplace(session_->tokenizer());
  active_[*id] = job;
}

bool BatchBackend::advance(Job& job, std::span<const float> logits) {
  const tok::Tokenizer& tok = session_->tokenizer();
  const int32_t id = job.sampler->sample(logits);
  job.sampler->accept(id);
  ++job.generated;
  // One event per sampled token (EOG included), carrying the text it releases.
  TokenEvent t;
  t.id = id;
  t.piece = std::string(tok.piece(id, /*render_special=*/true));
  if (job.logprobs) {
    const runtime::TokenLogprobs lp = runtime::token_logprobs(logits, id, job.top_logprobs);
    t.logprob = lp.chosen.logprob;
    t.top.reserve(lp.top.size());
    for (const auto& alt : lp.top) t.top.push_back({alt.id, std::string(tok.piece(alt.id, true)), alt.logprob});
  }
  auto end_with = [&](FinishReason r, bool flush) {
    if (flush) t.text += job.stops->push(job.decoder->flush()).emit + job.stops->flush();
    job.on_token(t);
    finish(job, r);
    return false;
  };
  const auto& eog = session_->eog_ids();
  if (job.options.stop_at_eog && std::find(eog.begin(), eog.end(), id) != eog.end())
    return end_with(FinishReason::kStop, true);
  const runtime::StopStrings::Step step = job.stops->push(job.decoder->push(id));
  t.text = step.emit;
  if (step.stopped) return end_with(FinishReason::kStop, false);
  if (job.options.max_tokens > 0 && job.generated >= job.options.max_tokens)
    return end_with(FinishReason::kLength, true);
  // The sampled token would go at position n_tokens: the context must have room for it.
  if (engine_->n_tokens(job.seq) >= engine_->options().n_ctx) return end_with(FinishReason::kLength, true);
  job.on_token(t);
  engine_->append(job.seq, id);
  return true;
}

void BatchBackend::run() {
  Inbox& in = *inbox_;
  uint64_t steps = 0;
  for (;;) {
    std::deque<std::shared_ptr<Job>> fresh;
    {
      std::unique_lock lock(in.mu);
      in.cv.wait(lock, [&] { return in.stop || !in.incoming.empty() || engine_->has_work(); });
      if (in.stop) break;
      fresh.swap(in.incoming);
    }
    for (const auto& job : fresh) start_job(job);
    // Cancelled generations leave before the step, so their pages are free for it.
    std::vector<std::shared_ptr<Job>> cancelled;
    for (const auto& [id, job] : active_)
      if (job->cancelled.load()) cancelled.push_back(job);
    for (const auto& job : cancelled) finish(*job, FinishReason::kCancelled);
    if (engine_->has_work()) {
      auto outs = engine_->step();
      ++steps;
      if (!outs.ok()) {
        log::error("engine step failed: " + outs.error().message);
        std::vector<std::shared_ptr<Job>> all;
        for (const auto& [id, job] : active_) all.push_back(job);
        for (const auto& job : all) finish(*job, FinishReason::kError);
      } else {
        for (const auto& out : *outs) {
          auto it = active_.find(out.id);
          if (it == active_.end()) continue;
          const std::shared_ptr<Job> job = it->second;  // advance may erase it
          advance(*job, out.logits);
        }
      }
    }
    const model::KvPool& pool = engine_->pool();
    kv_used_.store(static_cast<double>(pool.pages_referenced()) / pool.n_pages());
    std::lock_guard lock(in.mu);
    in.stats.pages_referenced = pool.pages_referenced();
    in.stats.pages_cached = pool.pages_cached();
    in.stats.running = engine_->n_running();
    in.stats.waiting = engine_->n_waiting();
    in.stats.preemptions = engine_->preemptions();
    in.stats.prefix_hit_pages = engine_->prefix_hit_pages();
    in.stats.prefix_miss_pages = engine_->prefix_miss_pages();
    in.stats.evictions = pool.evictions();
    in.stats.steps = steps;
  }
  // Shutting down: whatever is left ends as cancelled.
  std::deque<std::shared_ptr<Job>> left;
  {
    std::lock_guard lock(in.mu);
    left.swap(in.incoming);
  }
  for (const auto& job : left) finish(*job, FinishReason::kCancelled);
  std::vector<std::shared_ptr<Job>> all;
  for (const auto& [id, job] : active_) all.push_back(job);
  for (const auto& job : all) finish(*job, FinishReason::kCancelled);
}

}  // namespace ls::server
