#!/usr/bin/env bash
# bench/kernels.sh [kernels_bench args]: builds the kernel benchmark (release) and prints its table:
# read bandwidth (decode roofline), decode GB/s per type/ISA/threads, prefill GFLOP/s.
# Example: bench/kernels.sh --types q4_K,q8_0 --no-prefill
source "$(dirname "$0")/lib.sh"
bench_build kernels_bench
bench_machine
exec build/bench/kernels_bench "$@"
