import { Effect, Stream } from "effect"
import type { PageKey } from "../../domain/interaction.ts"
import type { Scope } from "../../domain/scope.ts"
import type { MetricsShape } from "../../daemon/Metrics.ts"
import { timed } from "../../daemon/Metrics.ts"
import type { Detector } from "../../topics/detector.ts"
import { type DecidedPage, decidePage } from "./decide.ts"
import { loadPage } from "./load.ts"
import { pageSource } from "./source.ts"
import { writePage } from "./sink.ts"

export interface ReprocessArgs<E, R> {
  readonly jobId: string
  readonly scope: Scope
  readonly scopeTopics: ReadonlySet<string>
  readonly detector: Detector
  /** Write version of this job; the decision compares against topics older than it. */
  readonly version: number
  readonly resumeAfter: PageKey | undefined
  readonly pageSize: number
  readonly metrics: MetricsShape
  /** Called in order after each page is durably written (checkpoint, progress, metrics). */
  readonly onPage: (page: DecidedPage) => Effect.Effect<void, E, R>
}

/**
 * The reprocessing pipeline: store pages → load blocks and prior topics → detect and decide →
 * write topics and results → checkpoint. Reading the next page overlaps deciding this one.
 */
export const reprocess = <E, R>(a: ReprocessArgs<E, R>) => {
  const stage = (name: string) => ({ pipeline: "reprocess", stage: name })
  const h = a.metrics.stageSeconds
  const decide = decidePage(a.detector, a.scopeTopics)
  const load = loadPage(a.version)
  const write = writePage(a.jobId, a.version)
  return pageSource(a.scope, a.resumeAfter, a.pageSize).pipe(
    Stream.mapEffect((page) => timed(h, stage("load"), load(page)), { concurrency: 2 }),
    Stream.mapEffect((page) => timed(h, stage("detect"), Effect.sync(() => decide(page)))),
    Stream.mapEffect((page) => timed(h, stage("write"), write(page))),
    Stream.runForEach(a.onPage)
  )
}
