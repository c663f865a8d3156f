#!/usr/bin/env bash
# The main job: set up everything (idempotent) and run LocalSeek on its embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh release localseek >/dev/null
SHARED="${LOCALSEEK_SHARED:-$PWD/../shared}"
# Until the server lands, show what the engine sees in a shared model.
exec ./build/localseek inspect "$SHARED/models/scifact-lm-q8_0.gguf" "$@"
