import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import { firstWriteVersion, type Job } from "../../domain/job.ts"
import { JobRepo } from "../../repos/JobRepo.ts"
import { ModelRepo } from "../../repos/ModelRepo.ts"
import { DaemonSettingsService } from "../DaemonSettingsService.ts"
import { Metrics } from "../Metrics.ts"
import { jobEvent } from "./events.ts"
import { type JobRunHooks, runJob } from "./runJob.ts"

/** A job this daemon runs: `waitingOn` "NATS" while it is paused because NATS does not answer. */
export interface RunningJob {
  readonly jobId: string
  readonly waitingOn?: "NATS"
  readonly waitingSince?: string
}

/** A running job whose heartbeat is older than `staleAfterMs` is taken over by another daemon. */
const isStale = (j: Job, now: number, staleAfterMs: number) =>
  j.owner === undefined || j.heartbeatAt === undefined || now - Date.parse(j.heartbeatAt) > staleAfterMs

/**
 * Schedules jobs: keeps `queueOrder` of queued jobs current, claims the next ones (compare-and-set
 * on the job record, so several daemons can share one NATS), resumes abandoned in-progress jobs
 * from their checkpoint, and runs up to `jobConcurrency` at once.
 */
export class JobRunner extends Context.Service<JobRunner, {
  /** Look at the queue now (after a create/cancel/delete). */
  readonly wake: Effect.Effect<void>
  readonly running: Effect.Effect<ReadonlyArray<string>>
  /** The jobs this daemon runs, and what each waits for (NATS), if anything, since when. */
  readonly activity: Effect.Effect<ReadonlyArray<RunningJob>>
  readonly instance: string
}>()("rewind/daemon/jobs/JobRunner") {
  static readonly layer = Layer.effect(
    JobRunner,
    Effect.gen(function*() {
      const settings = yield* DaemonSettingsService
      const repo = yield* JobRepo
      const models = yield* ModelRepo
      const metrics = yield* Metrics
      const signal = yield* Queue.sliding<void>(1)
      const instance = `${settings.instanceName}-${Math.random().toString(36).slice(2, 8)}`
      const running = new Map<string, Fiber.Fiber<void, unknown>>()
      const waitingSince = new Map<string, string>()
      const countWaiting = () => metrics.jobsWaiting.set({ on: "nats" }, waitingSince.size)
      const hooksFor = (jobId: string): JobRunHooks => ({
        waiting: (on) =>
          Effect.sync(() => {
            if (on === undefined) waitingSince.delete(jobId)
            else waitingSince.set(jobId, new Date().toISOString())
            countWaiting()
          })
      })
      const scope = yield* Effect.scope
      const staleAfterMs = settings.takeoverAfterSeconds * 1000

      const wake = Queue.offer(signal, undefined).pipe(Effect.asVoid)

      const claim = (candidate: Job) =>
        Effect.gen(function*() {
          const now = Date.now()
          const modelRev = Option.match(yield* models.current(), { onNone: () => 0, onSome: (m) => m.revision })
          const stamp = new Date(now).toISOString()
          const next = yield* repo.update(candidate.id, (j): Job | undefined => {
            const claimable = j.jobStatus === "Queued" || (j.jobStatus === "InProgress" && isStale(j, now, staleAfterMs))
            if (!claimable) return undefined
            const { waitingOn: _w, ...rest } = j // out of the queue: it no longer waits
            return {
              ...rest,
              jobStatus: "InProgress",
              queueOrder: 0,
              owner: instance,
              heartbeatAt: stamp,
              dateModified: stamp,
              dateStarted: j.dateStarted ?? stamp,
              // Jobs pin the model revision current when they start, and keep it on resume.
              modelRevision: j.modelRevision ?? modelRev,
              // Monotonic write version, fixed at first start so replays write the same rows.
              writeVersion: j.writeVersion > 0 ? j.writeVersion : firstWriteVersion(now, j.seq)
            }
          })
          return Option.filter(next, (j) => j.owner === instance && j.heartbeatAt === stamp)
        })

      const schedule = Effect.gen(function*() {
        const jobs = yield* repo.list()
        const counts = new Map<string, number>()
        for (const j of jobs) counts.set(j.jobStatus, (counts.get(j.jobStatus) ?? 0) + 1)
        for (const s of ["Proposed", "Queued", "InProgress", "Completed", "Failed", "Cancelled"]) metrics.jobs.set({ status: s }, counts.get(s) ?? 0)

        const queued = jobs.filter((j) => j.jobStatus === "Queued")
        const now = Date.now()
        const resumable = jobs.filter((j) => j.jobStatus === "InProgress" && !running.has(j.id) && isStale(j, now, staleAfterMs))
        for (const j of [...resumable, ...queued]) {
          if (running.size >= settings.jobConcurrency) break
          const claimed = yield* claim(j)
          if (Option.isNone(claimed)) continue
          const id = claimed.value.id
          const fiber = yield* runJob(claimed.value, instance, hooksFor(id)).pipe(
            Effect.ensuring(Effect.sync(() => {
              running.delete(id)
              waitingSince.delete(id)
              countWaiting()
            }).pipe(Effect.andThen(wake))),
            Effect.forkIn(scope)
          )
          running.set(id, fiber)
        }
        // Queue order of the jobs still waiting: 1 is next.
        const waiting = (yield* repo.list()).filter((j) => j.jobStatus === "Queued")
        const ahead = running.size
        for (const [index, j] of waiting.entries()) {
          const order = index + 1
          const waitingOn = ahead + index === 0 ? "starting" : `${ahead + index} job${ahead + index > 1 ? "s" : ""} ahead`
          if (j.queueOrder === order && j.waitingOn === waitingOn) continue
          const next = yield* repo.update(j.id, (x) => x.jobStatus === "Queued" ? { ...x, queueOrder: order, waitingOn } : undefined)
          if (Option.isSome(next) && next.value.jobStatus === "Queued") yield* jobEvent("progress", next.value)
        }
      }).pipe(Effect.catch((e) => Effect.logWarning("job scheduling failed; retrying", { error: String(e) })))

      yield* Effect.gen(function*() {
        for (;;) {
          yield* schedule
          yield* Queue.take(signal).pipe(Effect.timeoutOption("2 seconds"))
        }
      }).pipe(Effect.forkIn(scope))

      return JobRunner.of({
        wake,
        running: Effect.sync(() => [...running.keys()]),
        activity: Effect.sync(() =>
          [...running.keys()].map((jobId): RunningJob => {
            const since = waitingSince.get(jobId)
            return since === undefined ? { jobId } : { jobId, waitingOn: "NATS", waitingSince: since }
          })
        ),
        instance
      })
    })
  )
}
