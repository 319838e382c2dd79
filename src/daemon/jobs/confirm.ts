import * as Effect from "effect/Effect"
import type { Job } from "../../domain/job.ts"
import { findJob, updateForCommand } from "./cancel.ts"
import { Rejected } from "./errors.ts"
import { jobEvent } from "./events.ts"

/**
 * `job.confirm`: a Proposed job (auto-reprocessing after a model push) is queued to run. One that
 * is not Proposed — also one that stops being so between the command's read and its write (deleted,
 * cancelled, or confirmed by another command) — is refused, saying what it is now.
 */
export const confirmJob = Effect.fn("Jobs.confirm")(function*(jobId: string) {
  const refused = (j: Job) =>
    new Rejected({
      kind: "conflict",
      field: "jobId",
      reason: j.deleteRequested === true
        ? `job ${JSON.stringify(jobId)} is being deleted (job.delete): it cannot be confirmed`
        : `job ${JSON.stringify(jobId)} is ${j.jobStatus}: only a Proposed job can be confirmed`
    })
  const job = yield* findJob(jobId)
  if (job.jobStatus !== "Proposed") return yield* refused(job)
  const now = new Date().toISOString()
  const next = yield* updateForCommand(jobId, (j): Job | undefined => (j.jobStatus === "Proposed" ? { ...j, jobStatus: "Queued", dateModified: now } : undefined))
  if (!next.applied) return yield* refused(next.job)
  yield* jobEvent("confirmed", next.job)
})
