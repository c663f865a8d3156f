# bench/lib.sh: sourced first by every bench/*.sh for what they all start with, written once:
# strict mode, the repository root as working directory, the binary (built when missing), the
# shared assets, the cache of generated models, a scratch folder and a server removed at exit, and
# the machine line printed with the figures (the machine is shared: its load goes with them).
#   LOCALSEEK         the binary (default build/localseek; LOCALSEEK_BINARY is read too)
#   LOCALSEEK_SHARED  the shared assets (default ../shared)
#   BENCH_CACHE       where generated model files live, reused when present (~/.cache/localseek-bench)
#   VOCAB             the vocabulary of the R1-Distill-shaped models (DeepSeek-R1 Qwen)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin="${LOCALSEEK:-${LOCALSEEK_BINARY:-build/localseek}}"
shared="${LOCALSEEK_SHARED:-../shared}"
cache="${BENCH_CACHE:-$HOME/.cache/localseek-bench}"
vocab="${VOCAB:-$shared/vocab/ggml-vocab-deepseek-r1-qwen.gguf}"

# bench_build TARGETS...: a release build of the targets (two jobs: the machine is shared).
bench_build() { bash scripts/build.sh release -j2 "$@" >/dev/null; }

# bench_need_binary: builds the binary when $bin is not there yet.
bench_need_binary() { [ -x "$bin" ] || bench_build localseek; }

# bench_machine: "machine: <CPU>, <n> cores; load average <1 5 15 min>".
bench_machine() {
  echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# bench_machine_membw THREADS: the machine line with the measured read bandwidth (the decode
# roofline); leaves the bandwidth at THREADS threads in GB/s in $membw_gbps.
bench_machine_membw() {
  local j
  j=$("$bin" bench --membw -t "$1" --json)
  membw_gbps=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["membw_gbps"])' "$j")
  python3 - "$j" <<'PY'
import json, sys
j = json.loads(sys.argv[1])
print("machine: %s, %d cores, %s; read bandwidth %.2f GB/s (1 thread), %.2f GB/s (%d threads)"
      % (j["cpu"], j["cores"], j["features"], j["membw_1t_gbps"], j["membw_gbps"], j["threads"]))
PY
}

# bench_r1_model TYPE: path of the DeepSeek-R1-Distill-Qwen-1.5B-shaped model (random weights, real
# tokenizer) at TYPE (F16, Q8_0, Q4_K_M, ...): generated at F16, quantized from it, both once (cached).
bench_r1_model() {
  local f16="$cache/r1-qwen-1.5b-random-f16.gguf" out="$cache/r1-qwen-1.5b-random-${1,,}.gguf"
  mkdir -p "$cache"
  if [ ! -f "$out" ] && [ ! -f "$f16" ]; then
    echo "generating $f16" >&2
    "$bin" gen-model --arch qwen2 --shape r1-distill-qwen-1.5b --vocab "$vocab" --type F16 --seed 1 "$f16" 2>/dev/null
  fi
  if [ ! -f "$out" ]; then
    echo "quantizing $out" >&2
    "$bin" quantize "$f16" "$out" "$1" 2>/dev/null
  fi
  echo "$out"
}

# bench_work: a scratch folder in $work (made once; call it in the script's own shell, not in $(...)).
work=""
bench_work() { [ -n "$work" ] || work=$(mktemp -d); }

# bench_serve ARGS...: starts `localseek serve ARGS... --port 0` in the background (stdout in
# $work/serve.out, stderr in $work/serve.err), waits until it listens (two minutes at most: a busy
# machine loads a large model slowly) and sets $server_pid and $port.
server_pid=""
port=""
bench_serve() {
  bench_work
  "$bin" serve "$@" --port 0 >"$work/serve.out" 2>"$work/serve.err" &
  server_pid=$!
  port=""
  for _ in $(seq 1200); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$work/serve.out" "$work/serve.err" | head -1)
    [ -n "$port" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || { echo "serve exited:" >&2; cat "$work/serve.err" >&2; exit 1; }
    sleep 0.1
  done
  echo "serve did not start listening" >&2
  cat "$work/serve.err" >&2
  exit 1
}

# bench_stop_server: ends the server bench_serve started (also done at exit).
bench_stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}

bench_exit() {
  bench_stop_server
  [ -z "$work" ] || rm -rf "$work"
}
trap bench_exit EXIT
