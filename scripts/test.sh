#!/usr/bin/env bash
# Every test: set up (idempotent), build release and ASan+UBSan, run ctest in both, run the fuzz
# targets for a bounded time. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
export LOCALSEEK_SHARED="${LOCALSEEK_SHARED:-$PWD/../shared}"
# Tests that need a shared asset fail (not skip) when it is missing.
export LOCALSEEK_REQUIRE_SHARED=1
jobs=$(nproc)
start=$(date +%s)

echo "== release build"
bash scripts/build.sh release
echo "== release tests"
(cd build && ctest --output-on-failure -j"$jobs" --timeout 900)

echo "== ASan+UBSan build (unit tests)"
bash scripts/build.sh asan
echo "== ASan+UBSan tests"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$jobs" --timeout 1800 -LE slow)

if [ -d fuzz ] && [ -f fuzz/CMakeLists.txt ]; then
  echo "== fuzz (bounded)"
  bash scripts/build.sh fuzz
  bash scripts/fuzz.sh "${LOCALSEEK_FUZZ_SECONDS:-60}"
fi
echo "== all tests done in $(( $(date +%s) - start ))s"
