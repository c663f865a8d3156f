#!/usr/bin/env bash
# bench/serve.sh: the serving load benchmark of issue #4 §10. Starts `localseek serve` on the
# DeepSeek-R1-Distill-Qwen-1.5B-shaped random Q4_K_M model (real tokenizer and R1 chat template)
# on a loopback port, runs `localseek bench-serve` (streaming chat clients at each concurrency,
# ~70-token prompts, 32 generated tokens), stops the server and prints the table beside
# llama.cpp's llama-server on the same file. Works with whichever engine `serve` runs (one
# generation at a time today, continuous batching later): only HTTP is measured.
#   LOCALSEEK    the binary (default: build/localseek, built when missing)
#   BENCH_CACHE  where the model files live, reused when present (default ~/.cache/localseek-bench)
#   THREADS PARALLEL CONCURRENCY PROMPT_TOKENS MAX_TOKENS  (defaults 2 16 1,4,16 70 32)
source "$(dirname "$0")/lib.sh"
bench_need_binary
threads="${THREADS:-2}" parallel="${PARALLEL:-16}" concurrency="${CONCURRENCY:-1,4,16}"
prompt_tokens="${PROMPT_TOKENS:-70}" max_tokens="${MAX_TOKENS:-32}"
template="${TEMPLATE:-$shared/templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja}"
model=$(bench_r1_model Q4_K_M)

# --ctx 4096: the model's 128k context would reserve GBs of KV cache for nothing.
bench_work
bench_serve -m "$model" --chat-template "$template" -t "$threads" --ctx 4096 --parallel "$parallel" \
  --queue-max 256 --data "$work/kb" --no-sync-scheduler
grep -h "lowered to\|warn" "$work/serve.err" >&2 || true

bench_machine_membw "$threads"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); serve -t $threads --parallel $parallel; $(basename "$model")"

status=0
report=$("$bin" bench-serve --url "http://127.0.0.1:$port" -c "$concurrency" --prompt-tokens "$prompt_tokens" \
  --max-tokens "$max_tokens" --json) || status=$?
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "$report" ] || { echo "bench-serve failed" >&2; cat "$work/serve.err" >&2; exit 1; }

python3 - "$report" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
# llama.cpp's llama-server on the same Q4_K_M file, -t 2 -np 16, same request shape (issue #4 §10),
# measured on a slower AVX2 host than this one may be: compare with care.
ref = {1: dict(tps=5.6, ttft50=3.4), 16: dict(tps=12.1, ttft50=7.2, ttft99=20.0, itl99=13.0)}
def f(x, spec): return "-" if x is None else format(x, spec)
print("model %s: ~%d prompt tokens (measured mean per level below), %d generated per request"
      % (r["model"], r["prompt_tokens_target"], r["max_tokens"]))
head = ["clients", "requests", "failed", "prompt", "tok/s", "ttft p50", "ttft p99", "itl p50", "itl p99",
        "itl max", "|", "llama-server tok/s", "ttft p50", "ttft p99", "itl p99"]
rows = [head]
for l in r["levels"]:
    x = ref.get(l["concurrency"], {})
    rows.append([str(l["concurrency"]), str(l["requests"]), str(l["failed"]), f"{l['mean_prompt_tokens']:.0f}",
                 f"{l['tokens_per_s']:.2f}", f"{l['ttft_p50_s']:.2f}s", f"{l['ttft_p99_s']:.2f}s",
                 f"{l['itl_p50_s']:.3f}s", f"{l['itl_p99_s']:.3f}s", f"{l['itl_max_s']:.3f}s",
                 "|", f(x.get("tps"), ".1f"), f(x.get("ttft50"), ".1f") + ("s" if "ttft50" in x else ""),
                 f(x.get("ttft99"), ".0f") + ("s" if "ttft99" in x else ""),
                 f(x.get("itl99"), ".0f") + ("s" if "itl99" in x else "")])
w = [max(len(row[i]) for row in rows) for i in range(len(head))]
for row in rows: print("  ".join(c.rjust(w[i]) for i, c in enumerate(row)))
for l in r["levels"]:
    if l["failed"]: print("FAILED at %d clients: %d requests; first: %s" % (l["concurrency"], l["failed"], l["first_error"]))
print("llama-server figures: issue #4 §10, measured on a slower AVX2 host (not this machine).")
PY
exit "$status"
