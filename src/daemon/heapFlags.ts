/**
 * The daemon sets its own V8 heap limits: with V8's defaults the heap holds several times the
 * daemon's live data before collecting (the 250,000-interaction job peaks ≈ 870 MB RSS against
 * ≈ 620–640 MB capped: bench/RESULTS.md). `rewind daemon` started without a heap size of its
 * own (neither on Node's command line nor in NODE_OPTIONS) starts itself again, in place, with
 * the flags its job concurrency needs — so `npm run daemon`, `rewind daemon`, `npm run rewind --
 * daemon` and the Docker image all run capped. An operator's own `--max-old-space-size` wins.
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

/**
 * Starts this process again with the daemon's heap flags when none were given (and it has not
 * already done so); returns only when nothing needs to change (or the platform cannot replace a
 * process: then the daemon runs with Node's defaults).
 */
export const ensureDaemonHeap = (jobConcurrency: number): void => {
  if (process.env[marker] === "1" || heapSizeGiven(process.execArgv, process.env["NODE_OPTIONS"])) return
  const execve = (process as unknown as { execve?: (file: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) => never }).execve
  if (execve === undefined) return
  execve(process.execPath, [process.execPath, ...daemonHeapFlags(jobConcurrency), ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    [marker]: "1"
  })
}
