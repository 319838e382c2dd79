import * as Effect from "effect/Effect"
import type { Job } from "../../domain/job.ts"
import { JobEventType as JobEventTypeSchema } from "../../domain/contract.ts"
import { publishEvent } from "../../nats/Events.ts"

export type JobEventType = typeof JobEventTypeSchema.Type

/** Publishes `rewind.evt.job.<id>`; an event that cannot be published is logged, never fatal. */
export const jobEvent = (type: JobEventType, job: Job) =>
  publishEvent(`job.${job.id}`, { type, at: new Date().toISOString(), job: publicJob(job) }).pipe(
    Effect.catch((e) => Effect.logWarning("job event not published", { jobId: job.id, type, error: e.message }))
  )

/** The job as users read it: internal bookkeeping left out, media types as they were given. */
export const publicJob = (job: Job) => {
  const {
    owner: _owner,
    heartbeatAt: _hb,
    writeVersion: _wv,
    checkpoint: _cp,
    checkpointCounts: _cc,
    plan: _plan,
    revertCheckpoint: _rc,
    deleteRequested: _dr,
    requestedMediaTypes,
    ...rest
  } = job
  return requestedMediaTypes === undefined ? rest : { ...rest, mediaTypes: requestedMediaTypes }
}
