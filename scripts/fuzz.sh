#!/usr/bin/env bash
# fuzz.sh [SECONDS] [TARGET...]: runs every libFuzzer target in build-fuzz/fuzz/ (or the named ones)
# for SECONDS each (default 60; build them first with `bash scripts/build.sh fuzz`).
# Per target <name> (all optional):
#   fuzz/seeds/<name>/       seed inputs, copied into the corpus
#   fuzz/seeds/<name>.sh     seed script, called as `bash <script> CORPUS_DIR` (e.g. to copy ../shared files)
#   fuzz/seeds/<name>.flags  extra libFuzzer flags, one per line (e.g. -max_len=...)
#   fuzz/<name>.dict         libFuzzer dictionary
# The corpus lives in a temporary directory (nothing is written next to the shared assets); crash
# inputs are kept in build-fuzz/fuzz-artifacts/<name>/. Exits non-zero if any target finds a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
bindir=build-fuzz/fuzz
[ -d "$bindir" ] || { echo "fuzz.sh: $bindir missing; run: bash scripts/build.sh fuzz" >&2; exit 2; }

targets=("$@")
if ((${#targets[@]} == 0)); then
  for b in "$bindir"/*_fuzz; do [ -x "$b" ] && targets+=("$(basename "$b")"); done
fi
((${#targets[@]})) || { echo "fuzz.sh: no *_fuzz targets in $bindir" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/localseek-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
status=0
summary=()
for name in "${targets[@]}"; do
  bin="$bindir/$name"
  [ -x "$bin" ] || { echo "fuzz.sh: no target $bin" >&2; status=1; continue; }
  corpus="$work/$name/corpus"
  artifacts="build-fuzz/fuzz-artifacts/$name"
  mkdir -p "$corpus" "$artifacts"
  [ -d "fuzz/seeds/$name" ] && cp -r "fuzz/seeds/$name/." "$corpus/"
  [ -f "fuzz/seeds/$name.sh" ] && bash "fuzz/seeds/$name.sh" "$corpus"
  seeds=$(find "$corpus" -type f | wc -l)
  flags=()
  if [ -f "fuzz/seeds/$name.flags" ]; then
    while IFS= read -r l; do [[ -n "$l" && "$l" != \#* ]] && flags+=("$l"); done < "fuzz/seeds/$name.flags"
  fi
  [ -f "fuzz/$name.dict" ] && flags+=("-dict=fuzz/$name.dict")
  log="$work/$name/log"
  echo "== fuzz $name: ${seconds}s, $seeds seed inputs"
  start=$(date +%s)
  rc=0
  # New inputs go to the temporary corpus only; the seeds themselves are never modified.
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}" \
    "$bin" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "${flags[@]}" "$corpus" > "$log" 2>&1 || rc=$?
  elapsed=$(( $(date +%s) - start ))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  added=$(grep -o 'stat::new_units_added: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  corpus_size=$(find "$corpus" -type f | wc -l)
  line="$name: ${execs:-?} executions in ${elapsed}s, corpus $seeds -> $corpus_size inputs (${added:-?} new units)"
  if ((rc != 0)); then
    echo "fuzz.sh: $name FAILED (exit $rc); last lines of its log:" >&2
    tail -n 40 "$log" >&2
    echo "crash inputs: $(ls "$artifacts" 2>/dev/null | head -5 | sed "s|^|$artifacts/|" | tr '\n' ' ')" >&2
    line="$line: FAILED"
    status=1
  fi
  summary+=("$line")
done
echo "== fuzz summary"
printf '  %s\n' "${summary[@]}"
exit $status
