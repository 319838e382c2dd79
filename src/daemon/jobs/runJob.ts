import { errorText } from "../../domain/errorText.ts"
import { Effect, Option, Schema } from "effect"
import { comparePageKeys } from "../../domain/interaction.ts"
import { type Job, percentOf } from "../../domain/job.ts"
import { monthOf } from "../../domain/quota.ts"
import { scopeTopicIds, type TopicModelRevision } from "../../domain/topicModel.ts"
import type { DecidedPage } from "../../pipelines/reprocess/decide.ts"
import { reprocess } from "../../pipelines/reprocess/pipeline.ts"
import type { Nats } from "../../nats/Nats.ts"
import { JobRepo } from "../../repos/JobRepo.ts"
import { ModelRepo } from "../../repos/ModelRepo.ts"
import { InteractionStore } from "../../store/InteractionStore.ts"
import { JobResultStore } from "../../store/JobResultStore.ts"
import { UsageStore } from "../../store/UsageStore.ts"
import { compileDetector } from "../../topics/detector.ts"
import { heartbeatMillis } from "../config.ts"
import { DaemonSettingsService } from "../DaemonSettingsService.ts"
import { Metrics } from "../Metrics.ts"
import { purgeJob } from "./delete.ts"
import { jobEvent } from "./events.ts"
import { heartbeatLoop } from "./heartbeat.ts"
import { writeExport } from "./export.ts"
import { type NatsWait, untilNatsAnswers } from "./natsWait.ts"

/** The job was cancelled (or deleted) while running: stop after the current page. */
class CancelSignal extends Schema.TaggedError<CancelSignal>()("CancelSignal", {}) {}

/** The job cannot run as recorded (e.g. its pinned model revision is gone). */
class JobFailure extends Schema.TaggedError<JobFailure>()("JobFailure", { message: Schema.String }) {}

/**
 * Another daemon owns the job now (it took it over after this one's heartbeat went stale, e.g.
 * while this one was paused): this one stops without writing to the job again.
 */
class LostOwnership extends Schema.TaggedError<LostOwnership>()("LostOwnership", {
  owner: Schema.optional(Schema.String)
}) {}

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
 * Runs one claimed job to its end: resume from its checkpoint, page, checkpoint, finish.
 *
 * - Every write to the job's record is a compare-and-set that applies only while this daemon
 *   still owns the job; once another daemon has taken it over, this one stops (LostOwnership).
 * - When NATS does not answer (a restart, a pause, a lost connection) the job waits — the
 *   pipeline stops at its next checkpoint — and goes on from there once NATS answers; after
 *   `REWIND_NATS_WAIT_SECONDS` this daemon lets it go, InProgress, to be resumed. NATS never
 *   fails a job: only a failure of its own work does.
 * - A progress update counts a page once, even when an earlier try landed but its answer was
 *   lost (the record's checkpoint is already at or past the page).
 * - At its end the record takes the store's outcome counts, so record and store agree however
 *   it ends; a Failed or Cancelled job keeps its checkpoint's counts for a retry.
 */
export const runJob = Effect.fn("Jobs.run")(function*(claimed: Job, owner: string, hooks: JobRunHooks = noHooks) {
  const repo = yield* JobRepo
  const models = yield* ModelRepo
  const store = yield* InteractionStore
  const usage = yield* UsageStore
  const settings = yield* DaemonSettingsService
  const metrics = yield* Metrics
  const log = Effect.annotateLogs({ jobId: claimed.id })

  let latest = claimed
  let waits = 0
  const natsWait: NatsWait<Nats> = {
    maxWaitMs: settings.natsWaitSeconds * 1000,
    onWait: (error) =>
      waits++ > 0 ? Effect.void : Effect.gen(function*() {
        yield* Effect.logWarning("NATS does not answer: the job waits for it at its checkpoint", { error })
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

  const finish = (status: "Completed" | "Failed" | "Cancelled", extra: Partial<Job> = {}) =>
    Effect.gen(function*() {
      const counted = yield* storeCounts(claimed.id)
      const now = new Date().toISOString()
      return yield* update((j) => {
        const { heartbeatAt: _h, cancelRequested: _c, ...rest } = j
        const counts = Option.getOrElse(counted, () => ({}))
        // What the checkpoint stands for, for a retry (kept when this update is applied again).
        const checkpointCounts = status === "Completed" ? undefined : j.checkpointCounts ?? {
          processed: j.processedInteractionsCount,
          updated: j.updatedInteractionsCount,
          unchanged: j.unchangedInteractionsCount,
          failed: j.failedInteractionsCount
        }
        const next: Job = { ...rest, ...counts, ...extra, jobStatus: status, queueOrder: 0, dateCompleted: now, dateModified: now }
        const note = Option.isNone(counted) && status === "Failed"
          ? { errorMessage: `${next.errorMessage ?? "failed"} (counts as of the last checkpoint: the store could not be read)` }
          : {}
        return { ...next, ...note, ...(checkpointCounts === undefined ? {} : { checkpointCounts }) }
      })
    })

  const onPage = (page: DecidedPage) =>
    Effect.gen(function*() {
      const now = new Date().toISOString()
      const next = yield* update((j) => {
        // Already counted: an earlier try of this update landed though its answer was lost.
        if (j.checkpoint !== undefined && comparePageKeys(page.last, j.checkpoint) <= 0) return undefined
        const processed = j.processedInteractionsCount + page.interactions.length
        const total = Math.max(j.totalInteractionsCount, processed)
        return {
          ...j,
          processedInteractionsCount: processed,
          failedInteractionsCount: j.failedInteractionsCount + page.counts.failed,
          updatedInteractionsCount: j.updatedInteractionsCount + page.counts.updated,
          unchangedInteractionsCount: j.unchangedInteractionsCount + page.counts.unchanged,
          totalInteractionsCount: total,
          percentComplete: percentOf(processed, total),
          checkpoint: page.last,
          heartbeatAt: now,
          dateModified: now
        }
      })
      metrics.interactions.inc({ pipeline: "reprocess", outcome: "updated" }, page.counts.updated)
      metrics.interactions.inc({ pipeline: "reprocess", outcome: "unchanged" }, page.counts.unchanged)
      metrics.interactions.inc({ pipeline: "reprocess", outcome: "failed" }, page.counts.failed)
      metrics.topicsDetected.inc({ pipeline: "reprocess" }, page.detections)
      metrics.textBytes.inc({ pipeline: "reprocess" }, page.textBytes)
      yield* jobEvent("progress", next)
      if (next.cancelRequested) return yield* new CancelSignal()
    })

  const work = Effect.gen(function*() {
    const pinned: Option.Option<TopicModelRevision> = yield* patient(models.get(claimed.modelRevision ?? 0))
    if (Option.isNone(pinned)) return yield* new JobFailure({ message: `topic model revision ${claimed.modelRevision} not found` })
    const model = pinned.value
    const scopeTopics = scopeTopicIds(model.model, claimed.programs)
    const detector = compileDetector(model.model, scopeTopics)

    let job = claimed
    if (job.checkpoint === undefined) {
      const total = yield* store.countInScope(job)
      job = yield* update((j) => ({ ...j, totalInteractionsCount: total }))
    }
    yield* Effect.logInfo(job.checkpoint ? "job resumed" : "job started", {
      modelRevision: model.revision,
      scopeTopics: scopeTopics.size,
      total: job.totalInteractionsCount,
      checkpoint: job.checkpoint
    })
    yield* jobEvent("started", job)

    yield* reprocess({
      jobId: job.id,
      scope: job,
      scopeTopics,
      detector,
      version: job.writeVersion,
      resumeAfter: job.checkpoint,
      pageSize: settings.pageSize,
      metrics,
      onPage
    })

    const done = yield* update(() => undefined)
    yield* usage.record(monthOf(Date.now()), done.id, done.processedInteractionsCount)
    const exported = yield* patient(writeExport(done, model))
    const completed = yield* finish("Completed", { percentComplete: 100, export: exported })
    yield* Effect.logInfo("job completed", {
      processed: completed.processedInteractionsCount,
      updated: completed.updatedInteractionsCount,
      failed: completed.failedInteractionsCount
    })
    yield* jobEvent("completed", completed)
  })

  // Heartbeat so other daemons know the job is alive between pages. Losing the job, or NATS
  // for longer than the daemon waits, ends the run.
  const heartbeat = heartbeatLoop(update((j) => ({ ...j, heartbeatAt: new Date().toISOString() })), heartbeatMillis(settings))

  return yield* Effect.raceFirst(work, heartbeat).pipe(
    Effect.scoped,
    Effect.catchTag("CancelSignal", () =>
      Effect.gen(function*() {
        const current = yield* patient(repo.get(claimed.id))
        if (Option.isNone(current)) return
        if (current.value.deleteRequested) {
          yield* Effect.logInfo("job cancelled for deletion")
          return yield* patient(purgeJob(current.value))
        }
        const cancelled = yield* finish("Cancelled")
        yield* Effect.logInfo("job cancelled")
        yield* jobEvent("cancelled", cancelled)
      })
    ),
    Effect.catchTag("LostOwnership", (e) =>
      Effect.logWarning("another daemon has taken the job over: this daemon stops running it", { owner: e.owner })
    ),
    Effect.catchTag("NatsAway", (e) =>
      Effect.logWarning("NATS has not answered for too long: this daemon lets the job go; it stays InProgress at its checkpoint and is resumed once NATS answers", { error: e.message })
    ),
    Effect.catch((e) =>
      Effect.gen(function*() {
        yield* Effect.logError("job failed", { error: errorText(e) })
        const failed = yield* finish("Failed", { errorMessage: errorText(e) })
        yield* jobEvent("failed", failed)
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
    log
  )
})
