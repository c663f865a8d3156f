#!/usr/bin/env bash
# Installs the pinned client (only when package-lock.json changed since the last install, quietly)
# and runs the Node test suite. ctest runs this; scripts/test.sh calls it with --install-only.
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.package-lock.json  # written by npm ci
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  npm ci --no-audit --no-fund --silent
fi
[ "${1:-}" = "--install-only" ] && exit 0
exec node --test --test-reporter=spec "$@"
