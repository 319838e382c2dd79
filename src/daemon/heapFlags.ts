/**
 * The daemon sets its own memory limits, so that `npm run daemon`, `rewind daemon`, `npm run
 * rewind -- daemon` and the Docker image all run within them:
 *
 * - V8's heap: with V8's defaults the heap holds several times the daemon's live data before
 *   collecting. Capped by the flags its job concurrency needs.
 * - glibc's malloc arenas (`MALLOC_ARENA_MAX=2`): by default glibc gives each thread that
 *   allocates an arena of its own, up to 8 per core, and keeps their freed memory; the embedded
 *   engine's threads and the pool's worker then hold ≈ 100 MB more. Measured on the
 *   250,000-interaction job on the embedded store (bench/RESULTS.md): peak RSS 778 MB → 665 MB
 *   with 2 arenas (659 MB with 1), at the same speed.
 * - glibc's mmap threshold (`MALLOC_MMAP_THRESHOLD_=2097152`): by default it rises to the size of
 *   the largest block freed so far (up to 32 MB), after which blocks up to that size are carved
 *   out of the arenas, which keep them once freed. Fixed at 2 MB, bigger blocks are mapped on
 *   their own and given back to the system when freed. Alternate job-only runs of the job above on
 *   one data set: 668–685 MB at 2 MB (95–111 s) against 693–731 MB with the threshold sliding
 *   (93–104 s); at 1 MB 645–685 MB but the job ≈ 10% slower (the ≈ 1.5 MB blocks each page read
 *   allocates, seen with strace, are then mapped afresh), at 128 KB ≈ 15% slower.
 *
 * glibc reads its settings only when a process starts.
 *
 * `rewind daemon` started without one of them (no `--max-old-space-size` on Node's command line or
 * in NODE_OPTIONS; no MALLOC_ARENA_MAX or MALLOC_MMAP_THRESHOLD_) starts itself again, in place,
 * with what is missing. An operator's own values win.
 */
import { requiredHeapMB } from "./heap.ts"

/** Marks a process that already started itself with these flags (no second start). */
const marker = "REWIND_HEAP_SET"

/** The Node flags the daemon runs with for `jobConcurrency` jobs (or work items) at once. */
export const daemonHeapFlags = (jobConcurrency: number): ReadonlyArray<string> => [
  `--max-old-space-size=${requiredHeapMB(jobConcurrency)}`,
  "--max-semi-space-size=4"
]

/** Whether Node was given a heap size: its command line or NODE_OPTIONS. */
export const heapSizeGiven = (execArgv: ReadonlyArray<string>, nodeOptions: string | undefined): boolean =>
  [...execArgv, ...(nodeOptions ?? "").split(/\s+/)].some((a) => a.startsWith("--max-old-space-size"))

/** glibc malloc settings the daemon runs with unless told otherwise (each alone: an operator's own wins). */
export const DaemonMallocEnv: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: "2",
  MALLOC_MMAP_THRESHOLD_: "2097152"
}

/**
 * What the daemon must start again with: the Node flags and environment to add, or undefined when
 * nothing is missing (or it already started itself again).
 */
export const daemonRestart = (
  jobConcurrency: number,
  execArgv: ReadonlyArray<string>,
  env: Readonly<Record<string, string | undefined>>
): { readonly flags: ReadonlyArray<string>; readonly env: Readonly<Record<string, string>> } | undefined => {
  if (env[marker] === "1") return undefined
  const heapGiven = heapSizeGiven(execArgv, env["NODE_OPTIONS"])
  const malloc = Object.fromEntries(Object.entries(DaemonMallocEnv).filter(([k]) => env[k] === undefined))
  if (heapGiven && Object.keys(malloc).length === 0) return undefined
  return {
    flags: heapGiven ? [] : daemonHeapFlags(jobConcurrency),
    env: { ...malloc, [marker]: "1" }
  }
}

/**
 * Starts this process again with what `daemonRestart` says is missing; returns only when nothing
 * is (or the platform cannot replace a process: then the daemon runs with Node's defaults).
 */
export const ensureDaemonHeap = (jobConcurrency: number): void => {
  const restart = daemonRestart(jobConcurrency, process.execArgv, process.env)
  if (restart === undefined) return
  const execve = (process as unknown as { execve?: (file: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) => never }).execve
  if (execve === undefined) return
  execve(process.execPath, [process.execPath, ...restart.flags, ...process.execArgv, ...process.argv.slice(1)], { ...process.env, ...restart.env })
}
