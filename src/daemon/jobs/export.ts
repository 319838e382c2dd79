import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { csvLine, exportHeader, exportHeaderWithPrevious, exportLine, exportLineWithPrevious } from "../../domain/csv.ts"
import type { Job } from "../../domain/job.ts"
import type { TopicModelRevision } from "../../domain/topicModel.ts"
import { putExport } from "../../nats/Exports.ts"
import { type ImpactedInteraction, JobResultStore } from "../../store/JobResultStore.ts"
import { exportName, exportWithPreviousName } from "./delete.ts"

/** Interactions per store page, and so per CSV chunk handed to the object store. */
const exportPageSize = 5_000

/**
 * Sink: the completed job's CSV (impacted interactions + newly detected topics) into the object
 * store, streamed: store pages become CSV chunks as the object store takes them, so the export
 * of a 250,000-interaction job costs a page of memory, not the whole file.
 *
 * `withPrevious`: the before/after export (`<jobId>.with-previous.csv`), each impacted
 * interaction also with the topics it had before the job and those it no longer has after it —
 * read per page from the versioned topic rows.
 */
export const writeExport = Effect.fn("Jobs.writeExport")(function*(job: Job, model: TopicModelRevision, withPrevious = false) {
  const results = yield* JobResultStore
  const names = new Map(model.model.topics.map((t) => [t.id, t.name]))
  const topicName = (id: string) => names.get(id) ?? id
  const encoder = new TextEncoder()
  let rows = 0
  const lines = (page: ReadonlyArray<ImpactedInteraction>) =>
    withPrevious
      ? results.topicsAround(page.map((r) => r.interactionId), job.writeVersion).pipe(Effect.map((around) => {
        let text = ""
        for (const r of page) {
          const t = around.get(r.interactionId)
          const previous = t?.previous ?? []
          const after = new Set(t?.after ?? [])
          text += exportLineWithPrevious({ ...r, previousTopics: previous, removedTopics: previous.filter((p) => !after.has(p)) }, topicName)
        }
        return text
      }))
      : Effect.sync(() => {
        let text = ""
        for (const r of page) text += exportLine(r, topicName)
        return text
      })
  const chunks = Stream.make(encoder.encode(csvLine(withPrevious ? exportHeaderWithPrevious : exportHeader))).pipe(
    Stream.concat(
      results.impactedStream(job.id, exportPageSize).pipe(
        Stream.rechunk(exportPageSize),
        Stream.chunks,
        Stream.mapEffect((page) => {
          rows += page.length
          return lines(page).pipe(Effect.map((text) => encoder.encode(text)))
        })
      )
    )
  )
  const readable = yield* Stream.toReadableStreamEffect(chunks)
  const info = yield* putExport(
    withPrevious ? exportWithPreviousName(job.id) : exportName(job.id),
    readable,
    withPrevious
      ? `Rewind job ${job.id} (${job.name}): impacted interactions, newly detected, previous and removed topics`
      : `Rewind job ${job.id} (${job.name}): impacted interactions and newly detected topics`
  )
  return { ...info, rows }
})
