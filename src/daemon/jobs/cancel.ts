import { Effect, Option } from "effect"
import { type Job, terminalStatuses } from "../../domain/job.ts"
import { JobRepo } from "../../repos/JobRepo.ts"
import { Rejected } from "./errors.ts"
import { jobEvent } from "./events.ts"

export const findJob = Effect.fn("Jobs.find")(function*(jobId: string) {
  const repo = yield* JobRepo
  const job = yield* repo.get(jobId)
  if (Option.isNone(job)) return yield* new Rejected({ kind: "unknown_job", field: "jobId", reason: `no job with id ${JSON.stringify(jobId)}` })
  return job.value
})

/** `job.cancel`: a queued job is cancelled at once; a running one at its next page. */
export const cancelJob = Effect.fn("Jobs.cancel")(function*(jobId: string) {
  const repo = yield* JobRepo
  const job = yield* findJob(jobId)
  if (terminalStatuses.includes(job.jobStatus)) {
    return yield* new Rejected({ kind: "conflict", field: "jobId", reason: `job ${JSON.stringify(jobId)} is already ${job.jobStatus}: nothing to cancel` })
  }
  const now = new Date().toISOString()
  const next = yield* repo.update(jobId, (j): Job | undefined => {
    if (j.jobStatus === "Queued" || j.jobStatus === "Proposed") {
      const { waitingOn: _w, ...rest } = j // out of the queue: it no longer waits
      return { ...rest, jobStatus: "Cancelled", queueOrder: 0, dateCompleted: now, dateModified: now }
    }
    return terminalStatuses.includes(j.jobStatus) ? undefined : { ...j, cancelRequested: true, dateModified: now }
  })
  if (Option.isSome(next)) yield* jobEvent(next.value.jobStatus === "Cancelled" ? "cancelled" : "cancelling", next.value)
})
