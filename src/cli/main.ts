#!/usr/bin/env node
/**
 * Rewind's entry point (`npm run daemon`, `rewind`, the Docker image). Node's compile cache is
 * switched on before the rest loads (hence the dynamic import below): the TypeScript sources'
 * stripped and compiled code is kept on disk, so a process that finds it there starts faster
 * and never loads Node's TypeScript stripper, whose WebAssembly memory each thread that loads it
 * keeps (measured, 2026-12-04: `rewind --version` 1.37 against 1.72 s; the idle daemon on the
 * embedded store 358 against 364 MB RSS; a worker thread that imports TypeScript 14 against 27 MB
 * over a bare process). Worker threads (the detector pool's) read the cache's directory from the
 * environment, so it is set there too; the daemon's restart with its own heap limits
 * (src/daemon/heapFlags.ts) keeps it. An operator's NODE_COMPILE_CACHE (or
 * NODE_DISABLE_COMPILE_CACHE) wins; where no directory can be written, nothing is cached.
 */
import { enableCompileCache } from "node:module"

const cache = enableCompileCache()
if (cache.directory !== undefined && process.env["NODE_COMPILE_CACHE"] === undefined) process.env["NODE_COMPILE_CACHE"] = cache.directory

await import("./cli.ts")
