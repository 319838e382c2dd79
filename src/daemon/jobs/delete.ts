import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Job } from "../../domain/job.ts"
import { deleteExport } from "../../nats/Exports.ts"
import { dropItems } from "../../nats/WorkQueue.ts"
import { JobRepo } from "../../repos/JobRepo.ts"
import { WorkItemRepo } from "../../repos/WorkItemRepo.ts"
import { JobResultStore } from "../../store/JobResultStore.ts"
import { findJob, updateApplied } from "./cancel.ts"
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

/**
 * `job.delete`. One compare-and-set on the record decides, so a job is either claimed or
 * deleted, never both: an in-progress job is marked to be cancelled and deleted, and its runner
 * purges it however it ends (runJob.ts); any other is marked `deleteRequested` — a queued or
 * proposed one also Cancelled, so no daemon claims it — and purged here. A retry or a
 * confirmation that comes after the mark is refused (the job is no longer Failed, Cancelled or
 * Proposed, or is being deleted).
 */
export const deleteJob = Effect.fn("Jobs.delete")(function*(jobId: string) {
  yield* findJob(jobId)
  const now = new Date().toISOString()
  const next = yield* updateApplied(jobId, (j): Job | undefined => {
    if (j.deleteRequested === true) return undefined
    if (j.jobStatus === "InProgress") return { ...j, cancelRequested: true, deleteRequested: true, dateModified: now }
    const { waitingOn: _w, ...rest } = j
    return j.jobStatus === "Queued" || j.jobStatus === "Proposed"
      ? { ...rest, jobStatus: "Cancelled", queueOrder: 0, dateCompleted: now, dateModified: now, deleteRequested: true }
      : { ...rest, dateModified: now, deleteRequested: true }
  })
  if (Option.isNone(next)) return // deleted meanwhile
  const { job, applied } = next.value
  if (job.jobStatus === "InProgress") {
    // Announced once, by the delete that marked it (asked again, it is under way already); its
    // runner purges it however it ends.
    if (applied) yield* jobEvent("cancelling", job)
    return
  }
  // Marked by this delete, or by an earlier one whose purge did not finish: purged (again).
  yield* purgeJob(job)
})
