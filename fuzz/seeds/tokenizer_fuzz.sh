#!/usr/bin/env bash
# seeds/tokenizer_fuzz.sh CORPUS_DIR: every golden tokenizer test text (one file each, a flag byte
# in front) from ../shared/golden/tokenizer. Reads ../shared only; writes only CORPUS_DIR.
set -euo pipefail
out="$1"
shared="${LOCALSEEK_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/../shared}"
dir="$shared/golden/tokenizer"
[ -d "$dir" ] || { echo "seed: no $dir" >&2; exit 0; }
python3 - "$dir" "$out" <<'PY'
import os, sys
src, out = sys.argv[1], sys.argv[2]
n = 0
for name in sorted(os.listdir(src)):
    if not name.endswith(".inp"):
        continue
    data = open(os.path.join(src, name), "rb").read()
    for i, text in enumerate(data.split(b"\n__ggml_vocab_test__\n")):
        if text:
            open(os.path.join(out, f"{name}.{i}"), "wb").write(bytes([n % 4]) + text)
            n += 1
PY
