import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { errorText } from "../../domain/errorText.ts"
import { type Job, percentOf } from "../../domain/job.ts"
import { monthOf } from "../../domain/quota.ts"
import type { TopicModelRevision } from "../../domain/topicModel.ts"
import type { Nats } from "../../nats/Nats.ts"
import { dropItems } from "../../nats/WorkQueue.ts"
import { JobRepo } from "../../repos/JobRepo.ts"
import { ModelRepo } from "../../repos/ModelRepo.ts"
import { WorkItemRepo } from "../../repos/WorkItemRepo.ts"
import { JobResultStore } from "../../store/JobResultStore.ts"
import { UsageStore } from "../../store/UsageStore.ts"
import { heartbeatMillis } from "../config.ts"
import { DaemonSettingsService } from "../DaemonSettingsService.ts"
import { purgeJob } from "./delete.ts"
import { jobEvent } from "./events.ts"
import { writeExport } from "./export.ts"
import { followItems } from "./followItems.ts"
import { heartbeatLoop } from "./heartbeat.ts"
import { type NatsWait, untilNatsAnswers } from "./natsWait.ts"
import { offerItems, planJob, stopItems } from "./plan.ts"
import { runRevert } from "./runRevert.ts"
import { CancelSignal, JobFailure, LostOwnership } from "./signals.ts"

/** What the runner learns about a job while it runs. */
export interface JobRunHooks {
  /** The job started (`"NATS"`) or stopped (undefined) waiting for NATS. */
  readonly waiting: (on: "NATS" | undefined) => Effect.Effect<void>
}

const noHooks: JobRunHooks = { waiting: () => Effect.void }

/** The outcome counts the store holds for a job, as record fields; None when it cannot be read. */
const storeCounts = (jobId: string) =>
  Effect.gen(function*() {
    const results = yield* JobResultStore
    const c = yield* results.outcomeCounts(jobId)
    return {
      processedInteractionsCount: c.updated + c.unchanged + c.failed,
      updatedInteractionsCount: c.updated,
      unchangedInteractionsCount: c.unchanged,
      failedInteractionsCount: c.failed
    }
  }).pipe(Effect.option)

/**
 * Coordinates one claimed job to its end. The job's scope is cut into work items (planned once,
 * see plan.ts) offered on the work queue, where every daemon — this one too — pulls and runs
 * them (runItem.ts). This coordinator follows the items' records, keeps the job's record (sums
 * of the items' counts, progress, heartbeat) and events, and finishes the job: export and usage
 * once all items are done, or Cancelled / Failed, stopping the items still running.
 *
 * - Every write to the job's record is a compare-and-set that applies only while this daemon
 *   still owns the job; once another daemon has taken it over, this one stops (LostOwnership).
 *   Items go on: they do not depend on their job's coordinator.
 * - When NATS does not answer the job waits, and goes on once NATS answers; after
 *   `REWIND_NATS_WAIT_SECONDS` this daemon lets it go, InProgress, to be resumed. NATS never
 *   fails a job: only a failure of its own work does.
 * - At its end the record takes the store's outcome counts, so record and store agree however
 *   it ends; a Failed or Cancelled job keeps the items' counts for a retry.
 */
export const runJob = Effect.fn("Jobs.run")(function*(claimed: Job, owner: string, hooks: JobRunHooks = noHooks) {
  const repo = yield* JobRepo
  const items = yield* WorkItemRepo
  const models = yield* ModelRepo
  const usage = yield* UsageStore
  const settings = yield* DaemonSettingsService
  const log = Effect.annotateLogs({ jobId: claimed.id })

  let latest = claimed
  let waits = 0
  const natsWait: NatsWait<Nats> = {
    maxWaitMs: settings.natsWaitSeconds * 1000,
    onWait: (error) =>
      waits++ > 0 ? Effect.void : Effect.gen(function*() {
        yield* Effect.logWarning("NATS does not answer: the job waits for it", { error })
        yield* hooks.waiting("NATS")
        // Published as soon as the connection carries it (core NATS buffers while reconnecting).
        yield* jobEvent("waiting", { ...latest, waitingOn: "NATS" })
      }),
    onBack: (waitedMs, answered) =>
      --waits > 0 ? Effect.void : Effect.gen(function*() {
        yield* hooks.waiting(undefined)
        if (!answered) return
        yield* Effect.logInfo("NATS answers again: the job goes on", { waitedSeconds: Math.round(waitedMs / 100) / 10 })
        yield* jobEvent("resumed", latest)
      })
  }
  const patient = <A, E, R>(self: Effect.Effect<A, E, R>) => untilNatsAnswers(self, natsWait)

  const owned = (found: Option.Option<Job>): Effect.Effect<Job, CancelSignal | LostOwnership> => {
    if (Option.isNone(found)) return Effect.fail(new CancelSignal()) // the record is gone: deleted under us
    const j = found.value
    if (j.owner !== owner) return Effect.fail(new LostOwnership(j.owner === undefined ? {} : { owner: j.owner }))
    latest = j
    return Effect.succeed(j)
  }

  /** Compare-and-set on the record while this daemon owns the job; `f` returning undefined writes nothing. */
  const update = (f: (j: Job) => Job | undefined) =>
    patient(repo.update(claimed.id, (j) => (j.owner === owner ? f(j) : undefined))).pipe(Effect.flatMap(owned))

  /**
   * Writes the job's end. A job whose deletion was asked for (`job.delete` while it ran, however
   * late) is not written as ended: it is returned as it is, `deleteRequested`, for the caller to
   * purge. The check is part of the compare-and-set, so a delete lands either before it (the job
   * is purged by its runner) or after it (on an ended job, which `job.delete` purges itself).
   */
  const finish = (status: "Completed" | "Failed" | "Cancelled", extra: Partial<Job> = {}) =>
    Effect.gen(function*() {
      const counted = yield* storeCounts(claimed.id)
      const now = new Date().toISOString()
      return yield* update((j) => {
        if (j.deleteRequested === true) return undefined
        const { heartbeatAt: _h, cancelRequested: _c, waitingOn: _w, ...rest } = j
        const counts = Option.getOrElse(counted, () => ({}))
        // What the items counted, for a retry (kept when this update is applied again).
        const checkpointCounts = status === "Completed" ? undefined : j.checkpointCounts ?? {
          processed: j.processedInteractionsCount,
          updated: j.updatedInteractionsCount,
          unchanged: j.unchangedInteractionsCount,
          failed: j.failedInteractionsCount
        }
        const next: Job = { ...rest, ...counts, ...extra, jobStatus: status, queueOrder: 0, dateCompleted: now, dateModified: now }
        const note = Option.isNone(counted) && status === "Failed"
          ? { errorMessage: `${next.errorMessage ?? "failed"} (counts as the work items recorded them: the store could not be read)` }
          : {}
        return { ...next, ...note, ...(checkpointCounts === undefined ? {} : { checkpointCounts }) }
      })
    })

  /** Ends the job as `status` (its event published), or purges it if its deletion was asked for. */
  const end = (status: "Failed" | "Cancelled", extra: Partial<Job> = {}) =>
    Effect.gen(function*() {
      const ended = yield* finish(status, extra)
      // What it processed before it stopped was processed: metered as a completed job's is (a
      // retry later records the run's running total over it). A revert is not metered.
      if (ended.kind !== "revert") {
        yield* usage.recordRun(monthOf(Date.now()), ended.id, ended.writeVersion, ended.processedInteractionsCount).pipe(
          Effect.catch((e) => Effect.logWarning("job usage not recorded", { error: errorText(e) }))
        )
      }
      if (ended.deleteRequested === true) {
        yield* Effect.logInfo("job deleted, as asked while it ran", { endedAs: status })
        return yield* patient(purgeJob(ended))
      }
      if (status === "Cancelled") yield* Effect.logInfo("job cancelled")
      yield* jobEvent(status === "Failed" ? "failed" : "cancelled", ended)
    })

  const work = Effect.gen(function*() {
    const pinned: Option.Option<TopicModelRevision> = yield* patient(models.get(claimed.modelRevision ?? 0))
    if (Option.isNone(pinned)) return yield* new JobFailure({ message: `topic model revision ${claimed.modelRevision} not found` })
    const model = pinned.value

    if (claimed.kind === "revert") {
      yield* Effect.logInfo(claimed.revertCheckpoint === undefined ? "revert started" : "revert resumed", { revertOf: claimed.revertOf })
      yield* jobEvent("started", claimed)
      yield* runRevert(claimed, update)
      const done = yield* update(() => undefined)
      const exported = yield* patient(writeExport(done, model))
      const completed = yield* finish("Completed", { percentComplete: 100, export: exported })
      // Deleted while it ran: purged as a cancelled job is, outside the race with the heartbeat.
      if (completed.deleteRequested === true) return yield* new CancelSignal()
      yield* Effect.logInfo("revert completed", { reverted: completed.updatedInteractionsCount, counts: completed.revertCounts })
      return yield* jobEvent("completed", completed)
    }

    const resumed = claimed.plan !== undefined
    const job = resumed ? claimed : yield* planJob(claimed, update, patient)
    const count = job.plan?.items ?? 0
    yield* Effect.logInfo(resumed ? "job resumed" : "job started", {
      modelRevision: model.revision,
      total: job.totalInteractionsCount,
      workItems: count
    })
    yield* jobEvent("started", job)
    yield* offerItems(job, owner, patient)

    yield* followItems(job, count, (sums) =>
      Effect.gen(function*() {
        const now = new Date().toISOString()
        const next = yield* update((j) => {
          if (
            j.processedInteractionsCount === sums.processed && j.updatedInteractionsCount === sums.updated &&
            j.unchangedInteractionsCount === sums.unchanged && j.failedInteractionsCount === sums.failed
          ) return undefined
          const total = Math.max(j.totalInteractionsCount, sums.processed)
          return {
            ...j,
            processedInteractionsCount: sums.processed,
            updatedInteractionsCount: sums.updated,
            unchangedInteractionsCount: sums.unchanged,
            failedInteractionsCount: sums.failed,
            totalInteractionsCount: total,
            percentComplete: percentOf(sums.processed, total),
            heartbeatAt: now,
            dateModified: now
          }
        })
        if (next.dateModified === now) yield* jobEvent("progress", next)
        if (next.cancelRequested) return yield* new CancelSignal()
      }), patient)

    yield* patient(dropItems(job.id)).pipe(Effect.ignore)
    const done = yield* update(() => undefined)
    yield* usage.recordRun(monthOf(Date.now()), done.id, done.writeVersion, done.processedInteractionsCount)
    const exported = yield* patient(writeExport(done, model))
    const completed = yield* finish("Completed", { percentComplete: 100, export: exported })
    if (completed.deleteRequested === true) return yield* new CancelSignal() // deleted while it ran: purged as a cancelled job is
    yield* Effect.logInfo("job completed", {
      processed: completed.processedInteractionsCount,
      updated: completed.updatedInteractionsCount,
      failed: completed.failedInteractionsCount
    })
    yield* jobEvent("completed", completed)
  })

  // Heartbeat so other daemons know the job is coordinated; it also sees a cancellation while
  // no item reports. Losing the job, or NATS for longer than the daemon waits, ends the run.
  const heartbeat = heartbeatLoop(
    update((j) => ({ ...j, heartbeatAt: new Date().toISOString() })).pipe(
      Effect.flatMap((j) => (j.cancelRequested ? Effect.fail(new CancelSignal()) : Effect.void))
    ),
    heartbeatMillis(settings)
  )

  /** Stops the items still running and waits (a while) for their workers to let go. */
  const stopAll = patient(stopItems(claimed.id, settings.takeoverAfterSeconds * 1000)).pipe(
    Effect.catch((e) => Effect.logWarning("could not stop every work item", { error: errorText(e) }))
  )

  return yield* Effect.raceFirst(work, heartbeat).pipe(
    Effect.catchTag("CancelSignal", () =>
      Effect.gen(function*() {
        yield* stopAll
        const current = yield* patient(repo.get(claimed.id))
        if (Option.isNone(current)) return
        yield* end("Cancelled")
      })
    ),
    Effect.catchTag("LostOwnership", (e) =>
      Effect.logWarning("another daemon has taken the job over: this daemon stops coordinating it", { owner: e.owner })
    ),
    Effect.catchTag("NatsAway", (e) =>
      Effect.logWarning(
        "NATS has not answered for too long: this daemon lets the job go; it stays InProgress and is resumed once NATS answers",
        { error: e.message }
      )
    ),
    Effect.catch((e) =>
      Effect.gen(function*() {
        yield* Effect.logError("job failed", { error: errorText(e) })
        yield* stopAll
        yield* end("Failed", { errorMessage: errorText(e) })
      })
    ),
    // Stopped (daemon shutdown): give the job up so the next daemon resumes it at once.
    Effect.onInterrupt(() =>
      repo.update(claimed.id, (j) => {
        if (j.owner !== owner) return undefined
        const { owner: _o, ...rest } = j
        return rest
      }).pipe(Effect.timeout("5 seconds"), Effect.ignore, Effect.andThen(Effect.logInfo("job released at its checkpoint")))
    ),
    Effect.catch((e) => Effect.logError("job bookkeeping failed", { error: errorText(e) })),
    log,
    Effect.provideService(WorkItemRepo, items)
  )
})
