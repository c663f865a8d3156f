#!/usr/bin/env bash
# bench/rag_eval.sh: answer-in-context of the RAG packing on the shared QA sets, token counts with
# the DeepSeek-R1 (Qwen) tokenizer. Results: bench/rag_results.md.
source "$(dirname "$0")/lib.sh"
bench_need_binary
for d in cmrc2018 xquad-zh xquad-en; do
  "$bin" eval rag --dataset "$shared/data/$d" --vocab "$shared/vocab/ggml-vocab-deepseek-r1-qwen.gguf" \
    --budget 256 --budget 512 --budget 1024 --budget 2048 "$@"
done
