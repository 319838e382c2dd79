import { errorText } from "../../domain/errorText.ts"
import { Effect, Option, Schedule, Schema } from "effect"
import { type Job, percentOf } from "../../domain/job.ts"
import { monthOf } from "../../domain/quota.ts"
import { scopeTopicIds, type TopicModelRevision } from "../../domain/topicModel.ts"
import type { DecidedPage } from "../../pipelines/reprocess/decide.ts"
import { reprocess } from "../../pipelines/reprocess/pipeline.ts"
import { JobRepo } from "../../repos/JobRepo.ts"
import { ModelRepo } from "../../repos/ModelRepo.ts"
import { InteractionStore } from "../../store/InteractionStore.ts"
import { UsageStore } from "../../store/UsageStore.ts"
import { compileDetector } from "../../topics/detector.ts"
import { heartbeatMillis } from "../config.ts"
import { DaemonSettingsService } from "../DaemonSettingsService.ts"
import { Metrics } from "../Metrics.ts"
import { purgeJob } from "./delete.ts"
import { jobEvent } from "./events.ts"
import { writeExport } from "./export.ts"

/** The job was cancelled (or deleted) while running: stop after the current page. */
class CancelSignal extends Schema.TaggedError<CancelSignal>()("CancelSignal", {}) {}

/** The job cannot run as recorded (e.g. its pinned model revision is gone). */
class JobFailure extends Schema.TaggedError<JobFailure>()("JobFailure", { message: Schema.String }) {}


/** Runs one claimed job to its end: resume from its checkpoint, page, checkpoint, finish. */
export const runJob = Effect.fn("Jobs.run")(function*(claimed: Job, owner: string) {
  const repo = yield* JobRepo
  const models = yield* ModelRepo
  const store = yield* InteractionStore
  const usage = yield* UsageStore
  const settings = yield* DaemonSettingsService
  const metrics = yield* Metrics
  const log = Effect.annotateLogs({ jobId: claimed.id })

  const update = (f: (j: Job) => Job) =>
    repo.update(claimed.id, f).pipe(Effect.flatMap(Option.match({
      onNone: () => Effect.fail(new CancelSignal()), // the record is gone: deleted under us
      onSome: Effect.succeed
    })))

  const finish = (status: "Completed" | "Failed" | "Cancelled", extra: Partial<Job> = {}) => {
    const now = new Date().toISOString()
    return update((j) => {
      const { owner: _o, heartbeatAt: _h, cancelRequested: _c, ...rest } = j
      return { ...rest, ...extra, jobStatus: status, queueOrder: 0, dateCompleted: now, dateModified: now }
    })
  }

  const body = Effect.gen(function*() {
    const pinned: Option.Option<TopicModelRevision> = yield* models.get(claimed.modelRevision ?? 0)
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

    const onPage = (page: DecidedPage) =>
      Effect.gen(function*() {
        const now = new Date().toISOString()
        const next = yield* update((j) => {
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

    // Heartbeat so other daemons know the job is alive between pages.
    yield* update((j) => ({ ...j, heartbeatAt: new Date().toISOString() })).pipe(
      Effect.repeat(Schedule.spaced(heartbeatMillis(settings))),
      Effect.ignore,
      Effect.forkScoped
    )

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

    const done = yield* update((j) => j)
    yield* usage.record(monthOf(Date.now()), done.id, done.processedInteractionsCount)
    const exported = yield* writeExport(done, model)
    const completed = yield* finish("Completed", { percentComplete: 100, export: exported })
    yield* Effect.logInfo("job completed", {
      processed: completed.processedInteractionsCount,
      updated: completed.updatedInteractionsCount,
      failed: completed.failedInteractionsCount
    })
    yield* jobEvent("completed", completed)
  }).pipe(Effect.scoped)

  return yield* body.pipe(
    Effect.catchTag("CancelSignal", () =>
      Effect.gen(function*() {
        const current = yield* repo.get(claimed.id)
        if (Option.isNone(current)) return
        if (current.value.deleteRequested) {
          yield* Effect.logInfo("job cancelled for deletion")
          return yield* purgeJob(current.value)
        }
        const cancelled = yield* finish("Cancelled")
        yield* Effect.logInfo("job cancelled")
        yield* jobEvent("cancelled", cancelled)
      })
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
        if (j.owner !== owner) return j
        const { owner: _o, ...rest } = j
        return rest
      }).pipe(Effect.ignore, Effect.andThen(Effect.logInfo("job released at its checkpoint")))
    ),
    Effect.catch((e) => Effect.logError("job bookkeeping failed", { error: errorText(e) })),
    log
  )
})
