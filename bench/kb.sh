#!/usr/bin/env bash
# bench/kb.sh [DATASET_DIR]: knowledge-base speed on the largest shared BEIR corpus (or DATASET_DIR):
# ingest throughput (documents/s, MB/s) through `localseek kb add`, and query latency p50/p99 for
# interactive searches (top 10 with text) and evaluation-depth searches (top 1000 ids).
# Prints a table. The machine is shared: the load average is printed with the figures.
source "$(dirname "$0")/lib.sh"
bench_need_binary
if [ -n "${1:-}" ]; then
  set_dir="$1"
else
  set_dir="$(ls -S "$shared"/data/*/corpus.jsonl | head -1 | xargs dirname)"
fi
corpus="$set_dir/corpus.jsonl"
[ -f "$corpus" ] || { echo "bench/kb.sh: no corpus.jsonl in $set_dir" >&2; exit 2; }
bench_work

docs=$(wc -l < "$corpus")
bytes=$(stat -c %s "$corpus")
"$bin" kb create bench --data "$work/data" >/dev/null
t0=$(date +%s.%N)
if [ -x /usr/bin/time ]; then /usr/bin/time -f '%U %S' -o "$work/time" "$bin" kb add bench "$corpus" --data "$work/data" --batch 1024 --json > "$work/add.json"; else echo "0 0" > "$work/time"; "$bin" kb add bench "$corpus" --data "$work/data" --batch 1024 --json > "$work/add.json"; fi
t1=$(date +%s.%N)
cpu=$(awk '{ print $1 + $2 }' "$work/time")
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
chunks=$("$bin" kb stats bench --json --data "$work/data" | python3 -c 'import json,sys; print(json.load(sys.stdin)["collections"]["bench"]["stats"]["chunks"])')

split_args=()
[ -f "$set_dir/qrels/test.tsv" ] || split_args=(--split "$(basename "$(ls "$set_dir"/qrels/*.tsv | head -1)" .tsv)")
top10=$("$bin" eval retrieval --dataset "$set_dir" "${split_args[@]}" --top-k 10 --fetch-text --chunk-tokens 512 --chunk-overlap 64 --json)
top1000=$("$bin" eval retrieval --dataset "$set_dir" "${split_args[@]}" --json)
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

printf '\nLocalSeek knowledge-base benchmark — %s (%s documents, %s MB), load average %s\n\n' \
  "$(basename "$set_dir")" "$docs" "$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '| %-40s | %14s |\n' "measure" "value"
printf '|%s|%s|\n' "------------------------------------------" "----------------"
printf '| %-40s | %14.2f |\n' "ingest time, kb add (s)" "$secs"
printf '| %-40s | %14.2f |\n' "ingest CPU time, kb add (s)" "$cpu"
printf '| %-40s | %14.0f |\n' "ingest documents/s (wall)" "$(awk -v d="$docs" -v s="$secs" 'BEGIN { print d / s }')"
printf '| %-40s | %14.2f |\n' "ingest MB/s (wall)" "$(awk -v b="$bytes" -v s="$secs" 'BEGIN { print b / 1048576 / s }')"
printf '| %-40s | %14.0f |\n' "ingest documents/s (per CPU second)" "$(awk -v d="$docs" -v s="$cpu" 'BEGIN { print d / s }')"
printf '| %-40s | %14.2f |\n' "ingest MB/s (per CPU second)" "$(awk -v b="$bytes" -v s="$cpu" 'BEGIN { print b / 1048576 / s }')"
printf '| %-40s | %14s |\n' "chunks (512-token target)" "$chunks"
printf '| %-40s | %14.3f |\n' "query p50, top 10 + text (ms)" "$(field "$top10" p50_ms)"
printf '| %-40s | %14.3f |\n' "query p99, top 10 + text (ms)" "$(field "$top10" p99_ms)"
printf '| %-40s | %14.3f |\n' "query p50 CPU time, top 10 + text (ms)" "$(field "$top10" p50_cpu_ms)"
printf '| %-40s | %14.3f |\n' "query p99 CPU time, top 10 + text (ms)" "$(field "$top10" p99_cpu_ms)"
printf '| %-40s | %14.3f |\n' "query p50, top 1000 ids (ms)" "$(field "$top1000" p50_ms)"
printf '| %-40s | %14.3f |\n' "query p99, top 1000 ids (ms)" "$(field "$top1000" p99_ms)"
printf '| %-40s | %14s |\n' "queries" "$(field "$top10" queries)"
