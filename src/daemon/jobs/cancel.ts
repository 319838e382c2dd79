import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type Job, terminalStatuses } from "../../domain/job.ts"
import { JobRepo } from "../../repos/JobRepo.ts"
import { Rejected } from "./errors.ts"
import { jobEvent } from "./events.ts"

/** The refusal of a command about a job that does not exist (or no longer does: deleted meanwhile). */
export const unknownJob = (jobId: string) =>
  new Rejected({ kind: "unknown_job", field: "jobId", reason: `no job with id ${JSON.stringify(jobId)}` })

export const findJob = Effect.fn("Jobs.find")(function*(jobId: string) {
  const repo = yield* JobRepo
  const job = yield* repo.get(jobId)
  if (Option.isNone(job)) return yield* unknownJob(jobId)
  return job.value
})

/**
 * A compare-and-set on a job's record: `f` decides on the latest record (undefined: nothing to
 * write). The record is read again here, so another daemon, the job's runner or another command
 * may have changed it since the caller looked at it: `applied` says whether `f` wrote. The record
 * returned is the latest either way — a job another command has just cancelled or confirmed reads
 * the same as one this command changed — so a command decides on `applied`, never on the record's
 * status. None: the job is gone (deleted meanwhile).
 */
export const updateApplied = Effect.fn("Jobs.updateApplied")(function*(jobId: string, f: (job: Job) => Job | undefined) {
  const repo = yield* JobRepo
  let applied = false
  const next = yield* repo.update(jobId, (j) => {
    const written = f(j)
    applied = written !== undefined // the compare-and-set may call f again: its last answer decides
    return written
  })
  return Option.map(next, (job) => ({ job, applied }))
})

/** `updateApplied` for a command: a job gone meanwhile is refused as unknown. */
export const updateForCommand = (jobId: string, f: (job: Job) => Job | undefined) =>
  Effect.flatMap(updateApplied(jobId, f), (next) => (Option.isSome(next) ? Effect.succeed(next.value) : Effect.fail(unknownJob(jobId))))

/** The refusal of a cancel of a job that has ended, naming how it ended. */
const alreadyEnded = (j: Job) =>
  new Rejected({ kind: "conflict", field: "jobId", reason: `job ${JSON.stringify(j.id)} has already ended (${j.jobStatus}): nothing to cancel` })

/**
 * `job.cancel`: a queued job is cancelled at once; a running one at its next page. A job that has
 * ended — also one that ends between the command's read and its write — is refused, never
 * announced as `cancelling`.
 */
export const cancelJob = Effect.fn("Jobs.cancel")(function*(jobId: string) {
  const job = yield* findJob(jobId)
  if (terminalStatuses.includes(job.jobStatus)) return yield* alreadyEnded(job)
  const now = new Date().toISOString()
  const next = yield* updateForCommand(jobId, (j): Job | undefined => {
    if (j.jobStatus === "Queued" || j.jobStatus === "Proposed") {
      const { waitingOn: _w, ...rest } = j // out of the queue: it no longer waits
      return { ...rest, jobStatus: "Cancelled", queueOrder: 0, dateCompleted: now, dateModified: now }
    }
    return terminalStatuses.includes(j.jobStatus) || j.cancelRequested === true ? undefined : { ...j, cancelRequested: true, dateModified: now }
  })
  if (!next.applied) {
    // Asked again while its runner is stopping it: one `cancelling` is enough.
    if (!terminalStatuses.includes(next.job.jobStatus)) {
      return yield* new Rejected({ kind: "conflict", field: "jobId", reason: `job ${JSON.stringify(jobId)} is already being cancelled (${next.job.deleteRequested === true ? "job.delete" : "job.cancel"})` })
    }
    return yield* alreadyEnded(next.job)
  }
  yield* jobEvent(next.job.jobStatus === "Cancelled" ? "cancelled" : "cancelling", next.job)
})
