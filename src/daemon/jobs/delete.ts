import { Effect, Option } from "effect"
import type { Job } from "../../domain/job.ts"
import { deleteExport } from "../../nats/Exports.ts"
import { dropItems } from "../../nats/WorkQueue.ts"
import { JobRepo } from "../../repos/JobRepo.ts"
import { WorkItemRepo } from "../../repos/WorkItemRepo.ts"
import { JobResultStore } from "../../store/JobResultStore.ts"
import { findJob } from "./cancel.ts"
import { jobEvent } from "./events.ts"

export const exportName = (jobId: string) => `${jobId}.csv`
/** The before/after export, written on the first request for it. */
export const exportWithPreviousName = (jobId: string) => `${jobId}.with-previous.csv`

/** Removes a job's record, work items, results and export. Topics it applied stay applied. */
export const purgeJob = Effect.fn("Jobs.purge")(function*(job: Job) {
  const results = yield* JobResultStore
  const repo = yield* JobRepo
  const items = yield* WorkItemRepo
  yield* dropItems(job.id)
  yield* items.removeJob(job.id)
  yield* results.deleteJob(job.id)
  yield* deleteExport(exportName(job.id))
  yield* deleteExport(exportWithPreviousName(job.id))
  yield* repo.remove(job.id)
  yield* jobEvent("deleted", job)
})

/** `job.delete`: an in-progress job is cancelled first, then deleted by its runner. */
export const deleteJob = Effect.fn("Jobs.delete")(function*(jobId: string) {
  const repo = yield* JobRepo
  const job = yield* findJob(jobId)
  if (job.jobStatus === "InProgress") {
    const next = yield* repo.update(jobId, (j): Job =>
      j.jobStatus === "InProgress" ? { ...j, cancelRequested: true, deleteRequested: true, dateModified: new Date().toISOString() } : j
    )
    if (Option.isSome(next) && next.value.jobStatus === "InProgress") return yield* jobEvent("cancelling", next.value)
  }
  const latest = yield* repo.get(jobId)
  if (Option.isSome(latest)) yield* purgeJob(latest.value)
})
