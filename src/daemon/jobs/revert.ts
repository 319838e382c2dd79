import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type Job, type JobRevert, NothingDone } from "../../domain/job.ts"
import { JobRepo } from "../../repos/JobRepo.ts"
import { findJob } from "./cancel.ts"
import { Rejected } from "./errors.ts"
import { jobEvent } from "./events.ts"

/**
 * `job.revert`: queues a revert of a completed job — a job of kind `revert`, tracked like any
 * (queue, progress, events, counts, export, cancel, a daemon's restart), that gives every block
 * the job changed the topics it had before, except blocks a later job changed since.
 */
export const revertJob = Effect.fn("Jobs.revert")(function*(cmd: JobRevert, streamSeq: number) {
  const repo = yield* JobRepo
  const target = yield* findJob(cmd.jobId)
  if (target.jobStatus !== "Completed") {
    return yield* new Rejected({ kind: "conflict", field: "jobId", reason: `job ${JSON.stringify(cmd.jobId)} is ${target.jobStatus}: only a Completed job can be reverted` })
  }
  const id = cmd.revertId ?? `revert-${target.id}`
  const existing = yield* repo.get(id)
  if (Option.isSome(existing)) {
    if (existing.value.seq === streamSeq) return
    return yield* new Rejected({ kind: "conflict", field: "revertId", reason: `a job ${JSON.stringify(id)} already exists (status ${existing.value.jobStatus})` })
  }
  const now = new Date().toISOString()
  const name = `Revert ${target.name}`
  const job: Job = {
    id,
    name: name.length <= 200 ? name : `${name.slice(0, 199)}…`,
    description: `Reverts the topic changes of job ${target.id}`,
    dateStart: target.dateStart,
    dateEnd: target.dateEnd,
    programs: target.programs,
    mediaTypes: target.mediaTypes,
    createdBy: cmd.createdBy ?? "unknown",
    dateCreated: now,
    dateModified: now,
    jobStatus: "Queued",
    ...NothingDone,
    totalInteractionsCount: 0,
    kind: "revert",
    revertOf: target.id,
    seq: streamSeq,
    ...(cmd.commandId === undefined ? {} : { commandId: cmd.commandId })
  }
  const created = yield* repo.create(job)
  if (Option.isNone(created)) return yield* new Rejected({ kind: "conflict", field: "revertId", reason: `a job ${JSON.stringify(id)} already exists` })
  yield* jobEvent("created", job)
})
