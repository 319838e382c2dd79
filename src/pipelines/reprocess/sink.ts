import * as Effect from "effect/Effect"
import { PipelineMetrics } from "../PipelineMetrics.ts"
import { JobResultStore } from "../../store/JobResultStore.ts"
import { TopicWriter } from "../../store/TopicWriter.ts"
import type { DecidedPage } from "./decide.ts"

/** Counts rows and times one ClickHouse insert. */
const metered = <A, E, R>(table: string, rows: number, insert: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const metrics = yield* PipelineMetrics
    const end = metrics.insertSeconds.startTimer({ table })
    const out = yield* insert.pipe(Effect.ensuring(Effect.sync(() => end())))
    metrics.insertRows.inc({ table }, rows)
    return out
  })

/**
 * Sink: write a decided page — block topics (with history) first, then the job results.
 * Both writes are idempotent, so a page replayed after a crash leaves no duplicates.
 */
export const writePage = (jobId: string, version: number) =>
  Effect.fnUntraced(function*(page: DecidedPage) {
    const topics = yield* TopicWriter
    const results = yield* JobResultStore
    // The batch's identity: a replay of it (same job, version and range) writes the same rows.
    const first = page.interactions[0]
    const token = first === undefined ? undefined : `${jobId}/${version}/${first.id}/${page.last.id}/${page.interactions.length}`
    if (page.changes.length > 0) {
      const rows = page.changes.reduce((n, c) => n + c.added.length + c.removed.length, 0)
      yield* metered("block_topics", rows, topics.write(jobId, version, page.changes, token))
    }
    if (page.results.length > 0) {
      yield* metered(
        "job_results",
        page.results.length,
        results.write(page.results.map((r) => ({ jobId, interactionId: r.interactionId, outcome: r.outcome, newTopics: r.newTopics })), token)
      )
    }
    return page
  })
