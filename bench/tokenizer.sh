#!/usr/bin/env bash
# bench/tokenizer.sh [tokenizer_bench args]: builds the release tokenizer benchmark and prints its
# table (MB/s and tokens/s on ~1 MB of mixed Chinese/English/code text). Not a test: numbers
# depend on the machine and its load.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh release tokenizer_bench >/dev/null
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
exec build/bench/tokenizer_bench --shared "${LOCALSEEK_SHARED:-$PWD/../shared}" --source "$PWD" "$@"
