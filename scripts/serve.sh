#!/usr/bin/env bash
# The main job: set up everything (idempotent) and run the LocalSeek server on its embedded default
# (SQLite knowledge base in ./localseek-data, the built-in CPU engine), bound to 127.0.0.1:8080.
#   MODEL=/path/to/DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf bash scripts/serve.sh [serve options]
# Without MODEL it serves the small trained model from ../shared (if present), else the knowledge
# base only (--no-model).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh release localseek >/dev/null
SHARED="${LOCALSEEK_SHARED:-$PWD/../shared}"
MODEL="${MODEL:-$SHARED/models/scifact-lm-q8_0.gguf}"
DATA="${LOCALSEEK_DATA:-$PWD/localseek-data}"
if [ -f "$MODEL" ]; then
  exec ./build/localseek serve -m "$MODEL" --data "$DATA" "$@"
fi
echo "serve.sh: no model at $MODEL: serving the knowledge base only (set MODEL=...)" >&2
exec ./build/localseek serve --no-model --data "$DATA" "$@"
