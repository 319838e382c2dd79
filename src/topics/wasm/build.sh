#!/usr/bin/env bash
# Rebuild engine.wasm from engine.c (clang + lld with the wasm32 target: Debian's clang-14 and
# lld-14 packages). The .wasm is committed, so tests, the daemon and CI need no compiler;
# test/unit/topics/wasmEngine.test.ts fails when engine.c changed without a rebuild.
# -fno-slp-vectorize: clang pairs the word hash's two 64-bit multiplies into one i64x2.mul,
# which V8 emulates on x64 with several instructions (scalar: 1.05x the engine's speed).
set -euo pipefail
cd "$(dirname "$0")"
CLANG=${CLANG:-$(command -v clang-14 || command -v clang)}
"$CLANG" --target=wasm32 -msimd128 -O3 -fno-slp-vectorize -nostdlib -fno-builtin -Wall -Wextra -Werror \
  -Wl,--no-entry -Wl,--strip-all -Wl,-z,stack-size=65536 \
  -o engine.wasm engine.c
sha256sum engine.c | cut -d' ' -f1 > engine.c.sha256
ls -l engine.wasm
