#!/usr/bin/env bash
# seeds/gguf_reader_fuzz.sh CORPUS_DIR: copies the small shared models (whole, and cut to their first
# bytes so the fuzzer spends its time in the header) and vocabulary headers into CORPUS_DIR.
# Reads ../shared only; writes only CORPUS_DIR.
set -euo pipefail
out="$1"
shared="${LOCALSEEK_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/../shared}"
[ -d "$shared/models" ] || { echo "seed: no $shared/models, using the checked-in seeds only" >&2; exit 0; }
for f in "$shared"/models/*.gguf; do
  base="$(basename "$f" .gguf)"
  # Whole files only when small: -max_len cuts the rest anyway.
  if [ "$(stat -c %s "$f")" -le 1200000 ]; then cp "$f" "$out/$base.gguf"; fi
  for n in 64 600 4096 20000; do head -c "$n" "$f" > "$out/$base.head$n"; done
done
for f in "$shared"/vocab/ggml-vocab-{llama-spm,bert-bge,gpt-2}.gguf; do
  [ -f "$f" ] && head -c 65536 "$f" > "$out/$(basename "$f" .gguf).head65536"
done
exit 0
