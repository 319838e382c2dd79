/**
 * The V8 heap a daemon needs for the jobs it runs at once. `npm run daemon` and the Docker image
 * cap the heap (`--max-old-space-size=256`: bench/RESULTS.md); one running job keeps ≈ 80 MB
 * live (pages in flight), so each further job needs room of its own. A daemon whose heap is too
 * small for `REWIND_JOB_CONCURRENCY` refuses to start, saying what to change, rather than run
 * out of memory in the middle of a job.
 */

/** Heap limit (MB, V8's `heap_size_limit`) needed to run `jobConcurrency` jobs at once. */
export const requiredHeapMB = (jobConcurrency: number): number => 256 + 128 * (jobConcurrency - 1)

/** Why this heap is too small for `jobConcurrency`, or undefined when it is large enough. */
export const heapProblem = (heapLimitBytes: number, jobConcurrency: number): string | undefined => {
  const needed = requiredHeapMB(jobConcurrency)
  const have = Math.floor(heapLimitBytes / (1024 * 1024))
  if (have >= needed) return undefined
  return `REWIND_JOB_CONCURRENCY=${jobConcurrency} needs a V8 heap of at least ${needed} MB (128 MB for each job ` +
    `running at once beyond the first); this process has ${have} MB. Start Node with ` +
    `--max-old-space-size=${needed} (e.g. NODE_OPTIONS="--max-old-space-size=${needed} --max-semi-space-size=4") ` +
    "or lower REWIND_JOB_CONCURRENCY."
}
