#!/usr/bin/env bash
# Rebuild engine.wasm from engine.c (clang + lld with the wasm32 target: Debian's clang-14 and
# lld-14 packages). The .wasm is committed, so tests, the daemon and CI need no compiler;
# test/unit/topics/wasmEngine.test.ts fails when engine.c changed without a rebuild.
set -euo pipefail
cd "$(dirname "$0")"
CLANG=${CLANG:-$(command -v clang-14 || command -v clang)}
"$CLANG" --target=wasm32 -msimd128 -O3 -nostdlib -fno-builtin -Wall -Wextra -Werror \
  -Wl,--no-entry -Wl,--strip-all -Wl,-z,stack-size=65536 \
  -o engine.wasm engine.c
sha256sum engine.c | cut -d' ' -f1 > engine.c.sha256
ls -l engine.wasm
