import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Job } from "../../domain/job.ts"
import { getExport } from "../../nats/Exports.ts"
import { JobRepo } from "../../repos/JobRepo.ts"
import { ModelRepo } from "../../repos/ModelRepo.ts"
import { NotFound } from "./errors.ts"
import { writeExport } from "./export.ts"

/**
 * The before/after export of a completed job (`<jobId>.with-previous.csv`): written on the first
 * request — most jobs never need it, and it reads each page's topic history — then recorded on
 * the job and served from the object store.
 */
export const exportWithPrevious = Effect.fn("Jobs.exportWithPrevious")(function*(job: Job) {
  if (job.exportWithPrevious !== undefined && Option.isSome(yield* getExport(job.exportWithPrevious.name).pipe(Effect.map(Option.map(() => true))))) {
    return job.exportWithPrevious
  }
  const models = yield* ModelRepo
  const pinned = yield* models.get(job.modelRevision ?? 0)
  if (Option.isNone(pinned)) return yield* new NotFound({ message: `topic model revision ${job.modelRevision} of job ${job.id} is gone` })
  const info = yield* writeExport(job, pinned.value, true)
  yield* (yield* JobRepo).update(job.id, (j) => (j.jobStatus === "Completed" ? { ...j, exportWithPrevious: info } : undefined))
  return info
})
