import { Effect } from "effect"
import { exportCsv } from "../../domain/csv.ts"
import type { Job } from "../../domain/job.ts"
import type { TopicModelRevision } from "../../domain/topicModel.ts"
import { putExport } from "../../nats/Exports.ts"
import { JobResultStore } from "../../store/JobResultStore.ts"
import { exportName } from "./delete.ts"

/** Sink: the completed job's CSV (impacted interactions + newly detected topics) into the object store. */
export const writeExport = Effect.fn("Jobs.writeExport")(function*(job: Job, model: TopicModelRevision) {
  const results = yield* JobResultStore
  const rows = yield* results.impacted(job.id)
  const names = new Map(model.model.topics.map((t) => [t.id, t.name]))
  const csv = exportCsv(rows, (id) => names.get(id) ?? id)
  const info = yield* putExport(
    exportName(job.id),
    new TextEncoder().encode(csv),
    `Rewind job ${job.id} (${job.name}): impacted interactions and newly detected topics`
  )
  return { ...info, rows: rows.length }
})
