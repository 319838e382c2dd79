import * as Effect from "effect/Effect"
import { type Job, percentOf } from "../../domain/job.ts"
import { findJob, updateForCommand } from "./cancel.ts"
import { Rejected } from "./errors.ts"
import { jobEvent } from "./events.ts"

const retryable = (j: Job) => (j.jobStatus === "Failed" || j.jobStatus === "Cancelled") && j.deleteRequested !== true

/**
 * A Failed or Cancelled job, queued again to continue where it stopped: from its checkpoint,
 * with its write version and pinned model revision, and the counts its checkpoint stands for.
 * Its decisions compare against the topics as they stood before the job's first start, so a
 * job that failed part-way and is retried ends with the outcomes, topics and export of an
 * undisturbed run (deleting and recreating it would count its own partial writes as "before").
 */
export const retried = (j: Job, now: string): Job => {
  const {
    errorMessage: _e,
    dateCompleted: _d,
    checkpointCounts,
    cancelRequested: _c,
    deleteRequested: _dr,
    waitingOn: _w,
    heartbeatAt: _h,
    owner: _o,
    export: _x,
    ...rest
  } = j
  const c = checkpointCounts ?? {
    processed: j.processedInteractionsCount,
    updated: j.updatedInteractionsCount,
    unchanged: j.unchangedInteractionsCount,
    failed: j.failedInteractionsCount
  }
  return {
    ...rest,
    jobStatus: "Queued",
    processedInteractionsCount: c.processed,
    updatedInteractionsCount: c.updated,
    unchangedInteractionsCount: c.unchanged,
    failedInteractionsCount: c.failed,
    percentComplete: percentOf(c.processed, Math.max(j.totalInteractionsCount, c.processed)),
    dateModified: now
  }
}

/**
 * `job.retry`: queue a Failed or Cancelled job again, to continue from its checkpoint. A job that
 * stops being retryable between the command's read and its write (deleted, or queued again by
 * another retry) is refused, saying what it is now.
 */
export const retryJob = Effect.fn("Jobs.retry")(function*(jobId: string) {
  const job = yield* findJob(jobId)
  const refused = (j: Job) =>
    j.deleteRequested === true
      ? new Rejected({ kind: "conflict", field: "jobId", reason: `job ${JSON.stringify(jobId)} is being deleted (job.delete): it cannot be retried` })
      : new Rejected({
        kind: "conflict",
        field: "jobId",
        reason: `job ${JSON.stringify(jobId)} is ${j.jobStatus}: only a Failed or Cancelled job can be retried`
      })
  if (!retryable(job)) return yield* refused(job)
  const now = new Date().toISOString()
  const next = yield* updateForCommand(jobId, (j) => (retryable(j) ? retried(j, now) : undefined))
  if (!next.applied) return yield* refused(next.job)
  yield* jobEvent("retried", next.job)
})
