// Flags shared by the commands that run a model (run, chat, logits): model path, context,
// threads, KV cache type, kernel ISA, and the sampling parameters. Header-only; each command stays one file.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "cli/isa_flag.h"
#include "runtime/generator.h"
#include "runtime/sampler.h"
#include "runtime/session.h"

namespace ls::cli {

struct ModelFlags {
  std::string model;
  int ctx = 0;
  int threads = 0;
  std::string kv = "f16";
  std::string chat_template;

  void add(CLI::App& sub, bool with_template) {
    sub.add_option("-m,--model", model, "GGUF model file")->required()->check(CLI::ExistingFile);
    sub.add_option("--ctx", ctx, "Context size in tokens (default: the model's context_length, at most 4096)")
        ->check(CLI::Range(1, 1 << 24));
    sub.add_option("-t,--threads", threads, "Threads (default: the CPUs available)")->check(CLI::Range(1, 1024));
    sub.add_option("--kv,--kv-type", kv, "KV cache type: f16 (default, as llama.cpp), f32 or q8_0 (about half of f16)")
        ->check(CLI::IsMember({"f16", "f32", "q8_0"}));
    add_isa_option(sub);
    if (with_template) {
      sub.add_option("--chat-template", chat_template,
                     "Jinja chat template file (default: the model's tokenizer.chat_template)")
          ->check(CLI::ExistingFile);
    }
  }

  runtime::SessionOptions session_options() const {
    runtime::SessionOptions o;
    o.model_path = model;
    o.context.n_ctx = ctx;
    o.context.default_ctx_cap = 4096;  // a 128k-token model would otherwise reserve GBs of KV cache
    o.context.n_threads = threads;
    o.context.kv_type = model::parse_kv_type(kv).value();  // validated by IsMember above
    o.chat_template_path = chat_template;
    return o;
  }
};

struct SamplingFlags {
  runtime::SamplingParams p;
  uint64_t seed = 0;
  std::vector<std::string> stop;
  bool ignore_eos = false;

  void add(CLI::App& sub) {
    sub.add_option("--temp", p.temperature, "Temperature; 0 = greedy (default 0.8)")->check(CLI::Range(0.0, 100.0));
    sub.add_option("--top-k", p.top_k, "Keep the K most likely tokens; 0 = off (default 40)")->check(CLI::NonNegativeNumber);
    sub.add_option("--top-p", p.top_p, "Nucleus sampling mass; 1 = off (default 0.95)")->check(CLI::Range(0.0, 1.0));
    sub.add_option("--min-p", p.min_p, "Drop tokens below this fraction of the best; 0 = off (default 0.05)")
        ->check(CLI::Range(0.0, 1.0));
    sub.add_option("--repeat-penalty", p.repeat_penalty, "Repetition penalty; 1 = off (default)")->check(CLI::Range(0.0, 10.0));
    sub.add_option("--presence-penalty", p.presence_penalty, "Presence penalty (default 0)")->check(CLI::Range(-10.0, 10.0));
    sub.add_option("--frequency-penalty", p.frequency_penalty, "Frequency penalty (default 0)")->check(CLI::Range(-10.0, 10.0));
    sub.add_option("--repeat-last-n", p.penalty_last_n, "Tokens the penalties look back at (default 64)")
        ->check(CLI::Range(0, 1 << 20));
    sub.add_option("--seed", seed, "Random seed (default: random); same seed, same output");
    sub.add_option("--stop", stop, "Stop string (repeatable); not included in the output");
    sub.add_flag("--ignore-eos", ignore_eos, "Keep generating past end-of-generation tokens");
  }

  runtime::SamplingParams params(const CLI::App& sub) const {
    runtime::SamplingParams out = p;
    out.has_seed = sub.count("--seed") > 0;
    out.seed = seed;
    return out;
  }

  // What a generating command (run, chat, ask) hands the Generator: these flags, at most
  // `max_tokens` tokens (-1: until the context is full).
  runtime::GenerateOptions generate_options(const CLI::App& sub, int max_tokens) const {
    runtime::GenerateOptions o;
    o.max_tokens = max_tokens;
    o.sampling = params(sub);
    o.stop = stop;
    o.stop_at_eog = !ignore_eos;
    return o;
  }
};

}  // namespace ls::cli
