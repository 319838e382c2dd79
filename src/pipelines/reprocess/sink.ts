import { Effect } from "effect"
import { JobResultStore } from "../../store/JobResultStore.ts"
import { TopicWriter } from "../../store/TopicWriter.ts"
import type { DecidedPage } from "./decide.ts"

/**
 * Sink: write a decided page — block topics (with history) first, then the job results.
 * Both writes are idempotent, so a page replayed after a crash leaves no duplicates.
 */
export const writePage = (jobId: string, version: number) =>
  Effect.fnUntraced(function*(page: DecidedPage) {
    const topics = yield* TopicWriter
    const results = yield* JobResultStore
    if (page.changes.length > 0) yield* topics.write(jobId, version, page.changes)
    if (page.results.length > 0) {
      yield* results.write(page.results.map((r) => ({ jobId, interactionId: r.interactionId, outcome: r.outcome, newTopics: r.newTopics })))
    }
    return page
  })
