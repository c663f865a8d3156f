#!/usr/bin/env bash
# Every test: set up (idempotent), build release and ASan+UBSan, run ctest in both, run the fuzz
# targets for a bounded time. Exits non-zero on any failure; the last line sums up all ctest runs.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh || exit 1
# The pinned OpenAI Node client for tests/node (npm ci only when package-lock.json changed).
bash tests/node/run.sh --install-only || exit 1
export LOCALSEEK_SHARED="${LOCALSEEK_SHARED:-$PWD/../shared}"
# Tests that need a shared asset fail (not skip) when it is missing.
export LOCALSEEK_REQUIRE_SHARED=1
jobs=$(nproc)
start=$(date +%s)
logs=$(mktemp -d)
status=0
passed=0
failed=0

# run_ctest DIR LABEL [ctest args...]: runs ctest, keeps its output, adds its counts to the totals.
run_ctest() {
  local dir=$1 label=$2
  shift 2
  echo "== $label tests"
  (cd "$dir" && ctest --output-on-failure -j"$jobs" "$@") 2>&1 | tee "$logs/$label.log"
  local rc=${PIPESTATUS[0]}
  local line
  line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$logs/$label.log" | tail -1)
  if [ -n "$line" ]; then
    local f t
    f=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
    t=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
    passed=$((passed + t - f))
    failed=$((failed + f))
  fi
  [ "$rc" -eq 0 ] || status=1
}

echo "== release build"
if bash scripts/build.sh release; then
  run_ctest build release --timeout 900
else
  echo "release build FAILED"; status=1
fi

echo "== ASan+UBSan build"
if bash scripts/build.sh asan; then
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_ctest build-asan asan --timeout 1800 -LE 'slow|node'
else
  echo "ASan build FAILED"; status=1
fi

if [ -f fuzz/CMakeLists.txt ]; then
  echo "== fuzz (bounded)"
  if bash scripts/build.sh fuzz && bash scripts/fuzz.sh "${LOCALSEEK_FUZZ_SECONDS:-60}"; then
    passed=$((passed + 1))
  else
    echo "fuzzing FAILED"; failed=$((failed + 1)); status=1
  fi
fi
echo "== all tests done in $(( $(date +%s) - start ))s"
echo "total: $passed passed, $failed failed"
exit $status
