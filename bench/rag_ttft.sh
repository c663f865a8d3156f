#!/usr/bin/env bash
# bench/rag_ttft.sh: time to first token of a grounded (RAG) answer through `localseek serve`, with
# the knowledge base only and with web search as well (a fake SearXNG and fake pages on loopback,
# bench/rag_fake_web.py), on the DeepSeek-R1-Distill-Qwen-1.5B-shaped random Q4_K_M model of
# bench/engine.sh and a knowledge base built from one shared QA set. Not a test: it prints a table.
#   LOCALSEEK   the binary (default: build/localseek, built when missing)
#   BENCH_CACHE where the model lives, made when missing as engine.sh makes it (~/.cache/localseek-bench)
#   DATASET     shared set for the knowledge base and the questions (default xquad-en)
#   QUESTIONS   how many questions per setting (default 5, after one warm-up); THREADS (default 2)
#   CTX         server context (default 2048: the sources get ctx/2 - 256 = 768 tokens); TOP_K (default 4)
#   PAGE_DELAY_MS  delay of every fake page (default 0: loopback speed; e.g. 150 to mimic a real site)
# TTFT is measured by the client (request sent → first streamed token, reasoning included); the
# stage times come from the server's localseek_rag_stage_seconds histogram (per request: the change
# of its sum), "prefill" is TTFT minus the RAG stages (prompt evaluation plus request overhead).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${LOCALSEEK:-build/localseek}"
[ -x "$bin" ] || bash scripts/build.sh release localseek >/dev/null
shared="${LOCALSEEK_SHARED:-../shared}"
cache="${BENCH_CACHE:-$HOME/.cache/localseek-bench}"
dataset="${DATASET:-xquad-en}"
questions="${QUESTIONS:-5}" threads="${THREADS:-2}" page_delay="${PAGE_DELAY_MS:-0}"
ctx="${CTX:-2048}" top_k="${TOP_K:-4}"
vocab="$shared/vocab/ggml-vocab-deepseek-r1-qwen.gguf"
model="$cache/r1-qwen-1.5b-random-q4_k_m.gguf"
mkdir -p "$cache"
if [ ! -f "$model" ]; then
  f16="$cache/r1-qwen-1.5b-random-f16.gguf"
  [ -f "$f16" ] || "$bin" gen-model --arch qwen2 --shape r1-distill-qwen-1.5b --vocab "$vocab" --type F16 --seed 1 "$f16" 2>/dev/null
  "$bin" quantize "$f16" "$model" Q4_K_M 2>/dev/null
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ls-rag-ttft-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Knowledge base from the set's corpus.
"$bin" kb --data "$work/data" create bench >/dev/null
"$bin" kb --data "$work/data" add bench "$shared/data/$dataset/corpus.jsonl" >/dev/null

web_port=$(free_port)
python3 bench/rag_fake_web.py "$web_port" "$shared/data/$dataset/corpus.jsonl" "$page_delay" 2>"$work/web.log" &
pids+=($!)
srv_port=$(free_port)
"$bin" serve -m "$model" -t "$threads" --ctx "$ctx" --port "$srv_port" --data "$work/data" \
  --search-provider searxng --search-endpoint "http://127.0.0.1:$web_port/search" --web-allow-host 127.0.0.1 \
  >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$srv_port/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$srv_port/ready" >/dev/null || { echo "server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs; $threads threads"
echo "$(uptime | sed 's/.*load average/load average/') (before the run)"
echo "model: $(basename "$model"), ctx $ctx; knowledge base: $dataset corpus; $questions questions per setting, top_k $top_k"
echo "web: fake SearXNG + pages on loopback (5 results, page delay ${page_delay} ms, page cache on)"
python3 bench/rag_ttft_client.py "$srv_port" "$shared/data/$dataset/queries.jsonl" "$questions" "$top_k"
