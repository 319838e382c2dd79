import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { PageKey } from "../../domain/interaction.ts"
import { MaxPageInteractions } from "../../domain/job.ts"
import type { Scope } from "../../domain/scope.ts"
import { type PipelineMetricsShape, timed } from "../PipelineMetrics.ts"
import type { Detector } from "../../topics/detector.ts"
import { detectBatch, type DetectorPool, detectorPool } from "../../topics/pool.ts"
import { type DecidedPage, decideDetected, decidePage } from "./decide.ts"
import { type LoadedPage, loadPage } from "./load.ts"
import { pageSource } from "./source.ts"
import { writePage } from "./sink.ts"

/** Pages with at least this much text (UTF-16 code units) are matched on the worker pool. */
export const PoolMinChars = 256 * 1024


export interface ReprocessArgs<E, R> {
  readonly jobId: string
  readonly scope: Scope
  readonly scopeTopics: ReadonlySet<string>
  readonly detector: Detector
  /** Write version of this job; the decision compares against topics older than it. */
  readonly version: number
  readonly resumeAfter: PageKey | undefined
  /** Last key to process (inclusive): the end of a work item's range; none: the scope's end. */
  readonly until?: PageKey | undefined
  readonly pageSize: number
  readonly metrics: PipelineMetricsShape
  /** Called in order after each page is durably written (checkpoint, progress, metrics). */
  readonly onPage: (page: DecidedPage) => Effect.Effect<void, E, R>
  /** Text size from which a page is matched on the worker pool (default `PoolMinChars`; Infinity: never). */
  readonly poolMinChars?: number
  /** Worker threads of the pool (default: available parallelism − 1, at least 1). */
  readonly poolWorkers?: number
  /** Pages written (and reported to `onPage`) together (default: `WriteBatchPages` for full-size pages, else 1). */
  readonly writeBatchPages?: number
}

/** Decided pages as one: one write, one `onPage` (counts add up; the checkpoint is the last page's). */
const mergePages = (pages: ReadonlyArray<DecidedPage>): DecidedPage =>
  pages.length === 1
    ? pages[0]!
    : {
      interactions: pages.flatMap((p) => p.interactions),
      last: pages[pages.length - 1]!.last,
      results: pages.flatMap((p) => p.results),
      changes: pages.flatMap((p) => p.changes),
      counts: {
        updated: pages.reduce((n, p) => n + p.counts.updated, 0),
        unchanged: pages.reduce((n, p) => n + p.counts.unchanged, 0),
        failed: pages.reduce((n, p) => n + p.counts.failed, 0)
      },
      detections: pages.reduce((n, p) => n + p.detections, 0),
      textBytes: pages.reduce((n, p) => n + p.textBytes, 0)
    }

/**
 * Full-size pages (`MaxPageInteractions`) are written this many at a time (block topics,
 * history, results: one insert each) and then reported to `onPage` as one page (one
 * checkpoint, one progress step): writes as big as a 2,000-interaction page with
 * 500-interaction reads, a quarter of the parts for the engine to create and merge, and
 * everything written is counted when a job stops between two batches (cancel). Decided pages
 * hold no text: this costs little memory. Smaller pages (small jobs, tests) are written and
 * reported one by one.
 */
export const WriteBatchPages = 4

/**
 * Pages in detection at once, for a pool of `workers`. With one page at a time a pool's workers
 * idle between pages while this thread takes the answer and writes the next page: with two
 * workers or more that idle time is what keeps them from scaling (two workers, interleaved: 1.48–1.68×
 * one core one page at a time, 1.65–1.8× two at a time; bench/HISTORY.md), so they get two. A
 * single worker (the daemon's pool on two cores) gets one: this thread has the other core between
 * pages, and a page more in flight is 10–20 MB of peak RSS the < 700 MB target on two cores has
 * little room for (bench/HISTORY.md).
 */
export const detectionPages = (workers: number): number => (workers >= 2 ? 2 : 1)

const pageChars = (page: LoadedPage): number => {
  let n = 0
  for (const b of page.blocks) n += b.text.length
  return n
}

/**
 * The reprocessing pipeline: store pages → load blocks and prior topics → detect and decide →
 * write topics and results → checkpoint. Reading the next pages (two at a time) overlaps
 * deciding and writing this one, and deciding the next page overlaps writing this one. Pages
 * hold at most `MaxPageInteractions` interactions; full-size pages are written and
 * checkpointed `WriteBatchPages` at a time.
 *
 * Detection of a big page runs on a worker pool (src/topics/pool.ts: one worker per core but
 * one, so this thread keeps a core for parsing, deciding and writing), with the same results as
 * the detector on this thread, which small pages keep using. A pool of two workers or more gets
 * two pages at a time (`detectionPages`). The pool's workers start with the first big page and
 * stop when the pipeline ends, however it ends.
 */
export const reprocess = <E, R>(a: ReprocessArgs<E, R>) =>
  Effect.gen(function*() {
    const stage = (name: string) => ({ pipeline: "reprocess", stage: name })
    const h = a.metrics.stageSeconds
    const decide = decidePage(a.detector, a.scopeTopics)
    const load = loadPage(a.version)
    const write = writePage(a.jobId, a.version)
    const minChars = a.poolMinChars ?? PoolMinChars
    const pool: DetectorPool = yield* detectorPool(a.detector, a.poolWorkers === undefined ? {} : { workers: a.poolWorkers })
    const detect = (page: LoadedPage) =>
      a.scopeTopics.size > 0 && pageChars(page) >= minChars
        ? detectBatch(pool, page.blocks).pipe(Effect.map((detected) => {
          // The decided page keeps no set of the pool's answer: its buffer can take the next page's.
          try {
            return decideDetected(a.scopeTopics, page, detected)
          } finally {
            detected.release()
          }
        }))
        : Effect.sync(() => decide(page))
    const pageSize = Math.min(a.pageSize, MaxPageInteractions)
    const batch = Math.max(1, a.writeBatchPages ?? (pageSize >= MaxPageInteractions ? WriteBatchPages : 1))
    return yield* pageSource(a.scope, a.resumeAfter, pageSize, a.until).pipe(
      Stream.mapEffect((page) => timed(h, stage("load"), load(page)), { concurrency: 2 }),
      // Two pages in detection at once for a pool of two workers or more (in order), else one.
      Stream.mapEffect((page) => timed(h, stage("detect"), detect(page)), { concurrency: detectionPages(pool.workers) }),
      // Decide the next page while this one is written.
      Stream.buffer({ capacity: 1 }),
      // Full-size pages: several at once (fewer, bigger inserts), reported as one.
      Stream.grouped(batch),
      Stream.mapEffect((group) => timed(h, stage("write"), write(mergePages(group)))),
      Stream.runForEach(a.onPage)
    )
  }).pipe(Effect.scoped)
