import { Effect, Option } from "effect"
import type { Job } from "../../domain/job.ts"
import { JobRepo } from "../../repos/JobRepo.ts"
import { findJob } from "./cancel.ts"
import { Rejected } from "./errors.ts"
import { jobEvent } from "./events.ts"

/** `job.confirm`: a Proposed job (auto-reprocessing after a model push) is queued to run. */
export const confirmJob = Effect.fn("Jobs.confirm")(function*(jobId: string) {
  const repo = yield* JobRepo
  const job = yield* findJob(jobId)
  if (job.jobStatus !== "Proposed") {
    return yield* new Rejected({ kind: "conflict", field: "jobId", reason: `job ${JSON.stringify(jobId)} is ${job.jobStatus}: only a Proposed job can be confirmed` })
  }
  const now = new Date().toISOString()
  const next = yield* repo.update(jobId, (j): Job | undefined => (j.jobStatus === "Proposed" ? { ...j, jobStatus: "Queued", dateModified: now } : undefined))
  if (Option.isSome(next) && next.value.jobStatus === "Queued") yield* jobEvent("confirmed", next.value)
})
