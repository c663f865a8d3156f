#!/usr/bin/env bash
# bench/prefix_cache.sh: time-to-first-token of a chat's second turn against its first, through
# `localseek serve` (streaming /v1/chat/completions on loopback), with the prefix cache on and off.
# The second turn repeats the first (a long system prompt, the question, the answer) and adds a
# question, so with the cache only the new tokens are evaluated.
#   LOCALSEEK  the binary (default build/localseek)
#   MODEL      the GGUF (default: the R1-Distill-Qwen-1.5B-shaped Q4_K_M of bench/lib.sh, made once)
#   THREADS    (default 2)   SYSTEM_WORDS  size of the system prompt in words (default 300)
source "$(dirname "$0")/lib.sh"
bench_need_binary
model="${MODEL:-$(bench_r1_model Q4_K_M)}"
threads="${THREADS:-2}" words="${SYSTEM_WORDS:-300}"
[ -f "$model" ] || { echo "no model at $model" >&2; exit 1; }
bench_machine
echo "model: $(basename "$model"), $threads threads, system prompt ~$words words"

measure() {  # $1: label, $2: port
  python3 - "$1" "$2" "$words" <<'PY'
import json, sys, time, urllib.request
label, port, words = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
vocab = "study patients cohort trial dose placebo outcome risk effect analysis sample control".split()
system = "You are a careful assistant for clinical abstracts. " + " ".join(vocab[i % len(vocab)] for i in range(words))
def turn(messages):
    body = json.dumps({"messages": messages, "max_tokens": 8, "temperature": 0, "stream": True,
                       "stream_options": {"include_usage": True}}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/chat/completions", body,
                                 {"Content-Type": "application/json"})
    t0 = time.monotonic(); ttft = None; text = ""; usage = {}
    with urllib.request.urlopen(req, timeout=600) as r:
        for line in r:
            line = line.decode().strip()
            if not line.startswith("data: ") or line == "data: [DONE]": continue
            ev = json.loads(line[6:])
            if ev.get("usage"): usage = ev["usage"]
            for c in ev.get("choices", []):
                d = c.get("delta", {})
                piece = (d.get("content") or "") + (d.get("reasoning_content") or "")
                if piece and ttft is None: ttft = time.monotonic() - t0
                text += piece
    return ttft, text, usage
m1 = [{"role": "system", "content": system}, {"role": "user", "content": "What did the trial find?"}]
t1, a1, u1 = turn(m1)
m2 = m1 + [{"role": "assistant", "content": a1}, {"role": "user", "content": "And the placebo group?"}]
t2, _, u2 = turn(m2)
c2 = u2.get("prompt_tokens_details", {}).get("cached_tokens", 0)
print(f"{label:18s} turn 1: {u1.get('prompt_tokens', 0):4d} prompt tokens, TTFT {t1:6.2f} s | "
      f"turn 2: {u2.get('prompt_tokens', 0):4d} prompt tokens ({c2} cached), TTFT {t2:6.2f} s | x{t1 / t2:.1f}")
PY
}

for mode in "prefix cache on:" "prefix cache off:"; do
  flags=(); [ "$mode" = "prefix cache off:" ] && flags=(--no-prefix-cache)
  bench_serve -m "$model" -t "$threads" --ctx 4096 --data "" "${flags[@]}"
  measure "$mode" "$port" || true
  bench_stop_server
done
