#!/usr/bin/env bash
# bench/tokenizer.sh [tokenizer_bench args]: builds the release tokenizer benchmark and prints its
# table (MB/s and tokens/s on ~1 MB of mixed Chinese/English/code text). Not a test: numbers
# depend on the machine and its load.
source "$(dirname "$0")/lib.sh"
bench_build tokenizer_bench
bench_machine
exec build/bench/tokenizer_bench --shared "$(realpath "$shared")" --source "$PWD" "$@"
