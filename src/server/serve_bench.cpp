#include "server/serve_bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

namespace ls::server {
namespace {

using json = nlohmann::json;

// Common English words: each is one or two tokens in the usual BPE vocabularies.
constexpr const char* kWords[] = {
    "time", "river", "light", "garden", "stone", "window", "music", "paper", "market", "winter",
    "forest", "letter", "engine", "bridge", "silver", "number", "animal", "mountain", "question",
    "island", "summer", "doctor", "village", "morning", "history", "station", "picture", "ocean",
    "teacher", "kitchen", "planet", "circle", "signal", "harbor", "valley", "thunder", "library",
    "sunset", "pencil", "meadow"};
constexpr int kWordCount = sizeof(kWords) / sizeof(kWords[0]);

json chat_body(const ServeBenchOptions& o, const std::string& model, const std::string& prompt,
               int max_tokens) {
  return {{"model", model},
          {"messages", json::array({{{"role", "user"}, {"content", prompt}}})},
          {"max_tokens", max_tokens},
          {"temperature", o.temperature}};
}

// Words per prompt so that the rendered prompt has about `target` tokens: the server's tokenizer
// counts the fixed opening and a sample of words (the chat template's own tokens come from the
// warm-up request's usage). Without /tokenize: 1.3 tokens a word, as English BPE runs.
int words_for(const ServeBenchOptions& o, int template_tokens) {
  const int sample_words = 40;
  auto fixed = count_tokens(o.endpoint, bench_prompt(10, 0));
  auto sample = count_tokens(o.endpoint, bench_prompt(10, sample_words));
  double opening = 8, per_word = 1.3;
  if (fixed.ok() && sample.ok() && *sample > *fixed) {
    opening = *fixed;
    per_word = static_cast<double>(*sample - *fixed) / sample_words;
  }
  const double want = o.prompt_tokens - template_tokens - opening;
  return std::max(1, static_cast<int>(std::lround(want / per_word)));
}

LevelResult summarise(int concurrency, const std::vector<StreamTiming>& runs, double wall_s) {
  LevelResult r;
  r.concurrency = concurrency;
  r.requests = static_cast<int>(runs.size());
  r.wall_s = wall_s;
  std::vector<double> ttft, gaps;
  long prompt_sum = 0;
  for (const StreamTiming& t : runs) {
    if (!t.ok) {
      if (r.failed++ == 0) r.first_error = t.error;
      continue;
    }
    r.generated_tokens += t.completion_tokens;
    prompt_sum += t.prompt_tokens;
    if (t.text_chunks > 0) ttft.push_back(t.first_token_s);
    gaps.insert(gaps.end(), t.gaps_s.begin(), t.gaps_s.end());
  }
  const int ok = r.requests - r.failed;
  r.mean_prompt_tokens = ok > 0 ? static_cast<double>(prompt_sum) / ok : 0;
  r.tokens_per_s = wall_s > 0 ? static_cast<double>(r.generated_tokens) / wall_s : 0;
  r.ttft_p50_s = percentile(ttft, 50);
  r.ttft_p99_s = percentile(ttft, 99);
  r.itl_p50_s = percentile(gaps, 50);
  r.itl_p99_s = percentile(gaps, 99);
  r.itl_max_s = percentile(gaps, 100);
  return r;
}

}  // namespace

double percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const double rank = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(samples.size()));
  const size_t i = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return samples[std::min(i, samples.size() - 1)];
}

std::string bench_prompt(int n, int words) {
  // A different word sequence per request: the stride walks the list in another order each time.
  std::string out = "Request " + std::to_string(n) + ": write a story about";
  const int stride = 1 + 2 * (n % 19);  // odd, so coprime with 40
  for (int i = 0; i < words; ++i) {
    out += ' ';
    out += kWords[(n * 7 + i * stride) % kWordCount];
  }
  return out + ".";
}

Result<ServeBenchReport> run_serve_bench(const ServeBenchOptions& o,
                                         const std::function<void(const std::string&)>& log) {
  if (o.concurrency.empty()) return Error::invalid("no concurrency levels given");
  for (int c : o.concurrency)
    if (c < 1 || c > 1024) return Error::invalid("concurrency " + std::to_string(c) + " is outside 1..1024");
  if (o.max_tokens < 1) return Error::invalid("max tokens must be at least 1");
  if (o.prompt_tokens < 1) return Error::invalid("prompt tokens must be at least 1");
  if (o.requests_per_client < 1) return Error::invalid("requests per client must be at least 1");
  ServeBenchReport report;
  report.model = o.model;
  if (report.model.empty()) {
    LS_ASSIGN_OR_RETURN(report.model, first_model(o.endpoint));
  }
  // The warm-up request measures the chat template's tokens (usage minus the message's own).
  int template_tokens = 0;
  if (o.warmup) {
    const std::string probe = bench_prompt(0, 8);
    const StreamTiming w = stream_chat(o.endpoint, chat_body(o, report.model, probe, 2));
    if (!w.ok) return Error::io("the warm-up request failed: " + w.error);
    auto own = count_tokens(o.endpoint, probe);
    if (own.ok() && w.prompt_tokens > *own) template_tokens = w.prompt_tokens - *own;
  }
  report.prompt_words = words_for(o, template_tokens);

  int request_no = 1;
  for (int c : o.concurrency) {
    if (log) log("concurrency " + std::to_string(c) + ": " + std::to_string(c * o.requests_per_client) + " requests");
    std::vector<StreamTiming> runs(static_cast<size_t>(c * o.requests_per_client));
    const int first = request_no;
    request_no += c * o.requests_per_client;
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> clients;
    for (int k = 0; k < c; ++k) {
      clients.emplace_back([&, k] {
        for (int r = 0; r < o.requests_per_client; ++r) {
          const int i = k * o.requests_per_client + r;
          runs[static_cast<size_t>(i)] = stream_chat(
              o.endpoint, chat_body(o, report.model, bench_prompt(first + i, report.prompt_words), o.max_tokens));
        }
      });
    }
    for (auto& t : clients) t.join();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    report.levels.push_back(summarise(c, runs, wall));
  }
  return report;
}

nlohmann::ordered_json ServeBenchReport::to_json(const ServeBenchOptions& o) const {
  nlohmann::ordered_json levels_json = nlohmann::ordered_json::array();
  for (const LevelResult& l : levels) {
    levels_json.push_back({{"concurrency", l.concurrency},
                           {"requests", l.requests},
                           {"failed", l.failed},
                           {"first_error", l.first_error},
                           {"wall_s", l.wall_s},
                           {"generated_tokens", l.generated_tokens},
                           {"tokens_per_s", l.tokens_per_s},
                           {"mean_prompt_tokens", l.mean_prompt_tokens},
                           {"ttft_p50_s", l.ttft_p50_s},
                           {"ttft_p99_s", l.ttft_p99_s},
                           {"itl_p50_s", l.itl_p50_s},
                           {"itl_p99_s", l.itl_p99_s},
                           {"itl_max_s", l.itl_max_s}});
  }
  return {{"model", model},
          {"prompt_tokens_target", o.prompt_tokens},
          {"prompt_words", prompt_words},
          {"max_tokens", o.max_tokens},
          {"requests_per_client", o.requests_per_client},
          {"levels", levels_json}};
}

std::string ServeBenchReport::table() const {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-7s %8s %6s %7s %9s %9s %9s %9s %9s %9s\n", "clients", "requests",
                "failed", "prompt", "tok/s", "ttft p50", "ttft p99", "itl p50", "itl p99", "itl max");
  out += line;
  for (const LevelResult& l : levels) {
    std::snprintf(line, sizeof line, "%-7d %8d %6d %7.0f %9.2f %8.2fs %8.2fs %8.3fs %8.3fs %8.3fs\n",
                  l.concurrency, l.requests, l.failed, l.mean_prompt_tokens, l.tokens_per_s, l.ttft_p50_s,
                  l.ttft_p99_s, l.itl_p50_s, l.itl_p99_s, l.itl_max_s);
    out += line;
  }
  return out;
}

}  // namespace ls::server
