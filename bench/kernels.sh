#!/usr/bin/env bash
# bench/kernels.sh [kernels_bench args]: builds the kernel benchmark (release) and prints its table:
# read bandwidth (decode roofline), decode GB/s per type/ISA/threads, prefill GFLOP/s.
# Example: bench/kernels.sh --types q4_K,q8_0 --no-prefill
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh release kernels_bench >/dev/null
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs"
exec build/bench/kernels_bench "$@"
