#!/usr/bin/env bash
# bench/embed.sh: embedding throughput (texts/s) of a bge-small-en-v1.5-shaped and a
# Qwen3-Embedding-0.6B-shaped model (random weights, real vocabularies, Q8_0) on THREADS threads,
# beside llama.cpp (node-llama-cpp) on the same files when it is installed.
#   LOCALSEEK      the binary (default: build/localseek, built when missing)
#   BENCH_CACHE    where the model files live, reused when present (default ~/.cache/localseek-bench)
#   NODE_LLAMA_DIR a directory with node_modules/node-llama-cpp (default /work/ref)
#   THREADS TYPE N_BERT N_QWEN CHARS  (defaults 2 Q8_0 200 32 300): texts are the first SciFact
#   abstracts cut to CHARS characters (~60-70 tokens each).
#   BATCH_TOKENS   tokens packed into one forward pass (default: the engine's; 1: one text per pass)
# localseek packs many texts into one forward pass (bert and qwen3); llama.cpp via node-llama-cpp embeds one
# text per evaluation, so the comparison is "each engine's normal way of embedding a list".
source "$(dirname "$0")/lib.sh"
bench_need_binary
node_dir="${NODE_LLAMA_DIR:-/work/ref}"
threads="${THREADS:-2}" type="${TYPE:-Q8_0}" n_bert="${N_BERT:-200}" n_qwen="${N_QWEN:-32}" chars="${CHARS:-300}"
mkdir -p "$cache"

model() {  # arch shape vocab -> path (generated once)
  local out="$cache/embed-$2-random-${type,,}.gguf"
  if [ ! -f "$out" ]; then
    echo "generating $out" >&2
    "$bin" gen-model --arch "$1" --shape "$2" --vocab "$3" --type "$type" --seed 1 "$out" 2>/dev/null
  fi
  echo "$out"
}
bge=$(model bert bge-small "$shared/vocab/ggml-vocab-bert-bge.gguf")
qwen=$(model qwen3 qwen3-embedding-0.6b "$shared/vocab/ggml-vocab-qwen2.5.gguf")

texts() {  # n -> file with n single-line texts
  local f="$cache/embed-texts-$1-$chars.txt"
  python3 - "$1" "$chars" "$shared/data/scifact/corpus.jsonl" > "$f" <<'PY'
import json, sys
n, chars = int(sys.argv[1]), int(sys.argv[2])
with open(sys.argv[3]) as f:
    for i, line in zip(range(n), f):
        print(" ".join(json.loads(line)["text"].split())[:chars])
PY
  echo "$f"
}

ours() {  # model texts -> "texts/s tokens"
  "$bin" embed -m "$1" -t "$threads" ${BATCH_TOKENS:+--batch-tokens "$BATCH_TOKENS"} --timing - < "$2" 2>&1 >/dev/null |
    sed -n 's/^embed: \([0-9]*\) texts, \([0-9]*\) tokens in \([0-9.]*\) s: \([0-9.]*\) texts\/s.*/\4 \2/p'
}

theirs() {  # model texts -> texts/s or "-"
  if [ -d "$node_dir/node_modules/node-llama-cpp" ] && command -v node >/dev/null; then
    node bench/embed_llamacpp.mjs "$node_dir" "$1" "$2" "$threads" 2>/dev/null |
      python3 -c 'import json,sys; print("%.1f" % json.load(sys.stdin)["texts_per_s"])' 2>/dev/null || echo "-"
  else
    echo "-"
  fi
}

echo "| model | type | texts | tokens | localseek texts/s | llama.cpp texts/s | threads |"
echo "|---|---|---|---|---|---|---|"
for spec in "bge-small:$bge:$n_bert" "qwen3-embedding-0.6b:$qwen:$n_qwen"; do
  IFS=: read -r name path n <<< "$spec"
  t=$(texts "$n")
  read -r tps tokens <<< "$(ours "$path" "$t")"
  echo "| $name | $type | $n | $tokens | $tps | $(theirs "$path" "$t") | $threads |"
done
