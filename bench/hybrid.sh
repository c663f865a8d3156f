#!/usr/bin/env bash
# bench/hybrid.sh: knowledge-base query latency per retrieval mode (bm25, dense, hybrid = RRF k=60)
# on the largest shared BEIR set (scifact: 5,183 documents, 300 test queries), as an interactive
# search runs it: top-k 10, chunk text fetched, and for dense and hybrid the query embedded by the
# model on every query (the latency includes that embedding; nothing is cached between queries).
# The embedder is a bge-small-en-v1.5-shaped model (gen-model: random weights, the real BGE
# vocabulary and shapes, 384-d), so the figures are speed, not quality; pass a real GGUF for both.
#   DATASET        BEIR folder (default $shared/data/scifact)
#   EMBED_MODEL    GGUF embedding model (default: the bge-small-shaped model, generated once into
#                  the bench cache; TYPE Q8_0)
#   VECTORS        f32 | f16 | int8 (default f32)   THREADS (default 2)
#   ANN_THRESHOLDS index settings, one ingestion each (default "1000000": the exact SIMD scan;
#                  "1000000 1000" adds the HNSW graph)
source "$(dirname "$0")/lib.sh"
bench_need_binary
dataset="${DATASET:-$shared/data/scifact}"
type="${TYPE:-Q8_0}"
vectors="${VECTORS:-f32}" threads="${THREADS:-2}" thresholds="${ANN_THRESHOLDS:-1000000}"
model="${EMBED_MODEL:-$cache/embed-bge-small-random-${type,,}.gguf}"
if [ ! -f "$model" ]; then
  [ -z "${EMBED_MODEL:-}" ] || { echo "hybrid.sh: $model: no such file" >&2; exit 1; }
  mkdir -p "$cache"
  echo "generating $model" >&2
  "$bin" gen-model --arch bert --shape bge-small --vocab "$shared/vocab/ggml-vocab-bert-bge.gguf" --type "$type" \
    --seed 1 "$model" >/dev/null
fi
bench_work
out="$work/runs.jsonl"
for ann in $thresholds; do
  "$bin" eval retrieval --dataset "$dataset" --mode bm25,dense,hybrid --embedding-model "$model" \
    --threads "$threads" --vectors "$vectors" --top-k 10 --fetch-text --ann-threshold "$ann" --json |
    python3 -c 'import json,sys; j=json.load(sys.stdin); j["ann"]=int(sys.argv[1]); print(json.dumps(j))' "$ann" >>"$out"
done
echo "$(bench_machine); threads $threads"
python3 - "$out" "$dataset" "$vectors" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
r0 = rows[0]
print(f"dataset: {sys.argv[2]} ({r0['documents']} documents, {r0['queries']} queries); "
      f"model {r0.get('embedding_model')}, {sys.argv[3]} vectors; ingest+embed {r0['ingest_s']:.1f} s")
print("latency per query: top-k 10 with chunk text; dense and hybrid include embedding the query")
print()
print("| index | mode | p50 ms | p99 ms | p50 CPU ms | p99 CPU ms | nDCG@10 |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    index = "exact scan" if r["ann"] > r["documents"] else f"HNSW (threshold {r['ann']})"
    for m in r["modes"]:
        if r["ann"] <= r["documents"] and m["mode"] == "bm25":
            continue  # bm25 does not use the vector index
        print(f"| {index} | {m['mode']} | {m['p50_ms']:.2f} | {m['p99_ms']:.2f} | {m['p50_cpu_ms']:.2f} | "
              f"{m['p99_cpu_ms']:.2f} | {m['ndcg_at_10']:.4f} |")
PY
