#!/usr/bin/env bash
# bench/engine.sh: the engine's speed on DeepSeek-R1-Distill-Qwen-1.5B shapes (random weights, real
# tokenizer) at F16, Q8_0 and Q4_K_M, beside llama.cpp on the same files when node-llama-cpp is there.
#   LOCALSEEK      the binary (default: build/localseek, built when missing)
#   BENCH_CACHE    where the model files live, reused when present (default ~/.cache/localseek-bench)
#   NODE_LLAMA_DIR a directory with node_modules/node-llama-cpp and llamacpp-ref.mjs (default /work/ref)
#   THREADS P N REPS  (defaults 2 128 32 3)
# Prints one table; the roofline share (decode tok/s × weight bytes per token ÷ measured read
# bandwidth) is the figure that carries across machines.
source "$(dirname "$0")/lib.sh"
bench_need_binary
node_dir="${NODE_LLAMA_DIR:-/work/ref}"
threads="${THREADS:-2}" p="${P:-128}" n="${N:-32}" reps="${REPS:-3}"
models=()
for t in F16 Q8_0 Q4_K_M; do models+=("$(bench_r1_model "$t")"); done

llama=""
if [ -f "$node_dir/llamacpp-ref.mjs" ] && [ -d "$node_dir/node_modules/node-llama-cpp" ] && command -v node >/dev/null; then
  llama="$node_dir/llamacpp-ref.mjs"
elif [ -d "$node_dir/node_modules/node-llama-cpp" ] && [ -f "$shared/tools/llamacpp-ref.mjs" ]; then
  cp "$shared/tools/llamacpp-ref.mjs" "$node_dir/" && llama="$node_dir/llamacpp-ref.mjs"
fi

bench_machine_membw "$threads"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); pp$p / tg$n, $threads threads, $reps reps (median ± half-range)"

rows=()
for m in "${models[@]}"; do
  ours=$("$bin" bench -m "$m" -p "$p" -n "$n" -t "$threads" -r "$reps" --bandwidth "$membw_gbps" --json)
  ref='{}'
  if [ -n "$llama" ]; then
    ref=$(cd "$node_dir" && node "$llama" bench "$m" -p "$p" -n "$n" -t "$threads" 2>/dev/null || echo '{}')
  fi
  rows+=("$(python3 - "$m" "$ours" "$ref" <<'PY'
import json, os, sys
m, ours, ref = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
def f(x, spec=".1f"): return "-" if x is None else format(x, spec)
lp, lt = ref.get("pp_tps"), ref.get("tg_tps")
print("\t".join([os.path.basename(m), f"{os.path.getsize(m)/1e9:.2f} GB",
                 f"{ours['pp_tps']:.1f} ± {ours['pp_spread']:.1f}", f"{ours['tg_tps']:.2f} ± {ours['tg_spread']:.2f}",
                 f"{100*ours['roofline']:.0f}%", f(lp), f(lt, ".2f"),
                 f(None if not lp else ours['pp_tps']/lp, ".2f"), f(None if not lt else ours['tg_tps']/lt, ".2f"),
                 f(None if not lt else 100*lt*ours['bytes_per_token']/(ours['membw_gbps']*1e9), ".0f") + ("%" if lt else "")]))
PY
)")
done
{
  printf 'file\tsize\tpp tok/s\ttg tok/s\troofline\tllama.cpp pp\tllama.cpp tg\tpp ratio\ttg ratio\tllama.cpp roofline\n'
  printf '%s\n' "${rows[@]}"
} | column -t -s $'\t'
