import { Effect, Stream } from "effect"
import { csvLine, exportHeader, exportLine } from "../../domain/csv.ts"
import type { Job } from "../../domain/job.ts"
import type { TopicModelRevision } from "../../domain/topicModel.ts"
import { putExport } from "../../nats/Exports.ts"
import { JobResultStore } from "../../store/JobResultStore.ts"
import { exportName } from "./delete.ts"

/** Interactions per store page, and so per CSV chunk handed to the object store. */
const exportPageSize = 5_000

/**
 * Sink: the completed job's CSV (impacted interactions + newly detected topics) into the object
 * store, streamed: store pages become CSV chunks as the object store takes them, so the export
 * of a 250,000-interaction job costs a page of memory, not the whole file.
 */
export const writeExport = Effect.fn("Jobs.writeExport")(function*(job: Job, model: TopicModelRevision) {
  const results = yield* JobResultStore
  const names = new Map(model.model.topics.map((t) => [t.id, t.name]))
  const topicName = (id: string) => names.get(id) ?? id
  const encoder = new TextEncoder()
  let rows = 0
  const chunks = Stream.make(encoder.encode(csvLine(exportHeader))).pipe(
    Stream.concat(
      results.impactedStream(job.id, exportPageSize).pipe(
        Stream.rechunk(exportPageSize),
        Stream.mapArray((page) => {
          rows += page.length
          let text = ""
          for (const r of page) text += exportLine(r, topicName)
          return [encoder.encode(text)]
        })
      )
    )
  )
  const readable = yield* Stream.toReadableStreamEffect(chunks)
  const info = yield* putExport(
    exportName(job.id),
    readable,
    `Rewind job ${job.id} (${job.name}): impacted interactions and newly detected topics`
  )
  return { ...info, rows }
})
