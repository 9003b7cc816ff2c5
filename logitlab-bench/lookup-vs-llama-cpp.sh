#!/usr/bin/env bash
# Prompt-lookup speedups of logitlab and llama.cpp's llama-lookup on the same GGUF and prompts, alternating.
# Usage: logitlab-bench/lookup-vs-llama-cpp.sh LLAMA_CPP_BIN_DIR MODEL.gguf [MODEL.gguf ...]
# logitlab: `generate --spec lookup --compare` (default --draft-p-min); llama.cpp: llama-lookup with --draft-max 8
# against --draft-max 0 (its "decoded N tokens" speeds). Greedy, 128 tokens, 2 threads, two rounds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -lt 2 ] || [ ! -x "$1/llama-lookup" ]; then
  echo "usage: $0 LLAMA_CPP_BIN_DIR MODEL.gguf [MODEL.gguf ...] (LLAMA_CPP_BIN_DIR must hold llama-lookup)" >&2
  exit 2
fi
BIN="$1"; shift
export LD_LIBRARY_PATH="$BIN${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for round in 1 2; do
  for model in "$@"; do
    for prompt in code story; do
      file="$ROOT/logitlab-bench/prompts/$prompt.txt"
      for draft in 8 0; do
        out=$("$BIN/llama-lookup" -m "$model" -f "$file" -n 128 -t 2 --draft-max "$draft" --temp 0 -c 1024 2>&1)
        echo "$round $(basename "$model") $prompt llama-lookup --draft-max $draft:" \
          "$(echo "$out" | grep -o 'decoded .*t/s' | tail -1 | tr -s ' ')" \
          "$(echo "$out" | grep -E '^accept' | tr -s ' ')"
      done
      echo "$round $(basename "$model") $prompt logitlab:" \
        "$("$ROOT/logitlab" generate -m "$model" -p "$(cat "$file")" --temp 0 -n 128 -t 2 --spec lookup \
          --draft-max 8 --compare 2>&1 | grep '^spec')"
    done
  done
done
