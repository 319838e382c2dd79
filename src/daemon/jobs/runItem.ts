import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { errorText } from "../../domain/errorText.ts"
import { comparePageKeys } from "../../domain/interaction.ts"
import type { Job } from "../../domain/job.ts"
import { scopeTopicIds } from "../../domain/topicModel.ts"
import { addCounts, type WorkItem, type WorkMessage } from "../../domain/workItem.ts"
import type { DecidedPage } from "../../pipelines/reprocess/decide.ts"
import { reprocess } from "../../pipelines/reprocess/pipeline.ts"
import type { NatsError } from "../../nats/Nats.ts"
import { JobRepo } from "../../repos/JobRepo.ts"
import { ModelRepo } from "../../repos/ModelRepo.ts"
import { WorkItemRepo } from "../../repos/WorkItemRepo.ts"
import { compileDetector, type Detector } from "../../topics/detector.ts"
import { heartbeatMillis } from "../config.ts"
import { DaemonSettingsService } from "../DaemonSettingsService.ts"
import { Metrics } from "../Metrics.ts"
import { heartbeatLoop } from "./heartbeat.ts"
import { type NatsWait, untilNatsAnswers } from "./natsWait.ts"
import { isLeased } from "./plan.ts"
import { ItemStopped, JobFailure, LostOwnership } from "./signals.ts"

/** How a pulled item ended here: what to tell the work queue. */
export type ItemOutcome =
  /** Done, failed (recorded on the item), stopped, or not this daemon's to run: acknowledge. */
  | "settled"
  /** NATS did not answer for too long: offer it again later. */
  | "later"

/** A job's scope topics under its pinned model revision, and their detector. */
export interface ScopeDetector {
  readonly scopeTopics: ReadonlySet<string>
  readonly detector: Detector
}

export type DetectorFor = (job: Job) => Effect.Effect<ScopeDetector, JobFailure | NatsError, ModelRepo>

/** Compiles detectors on demand, keeping the last few (a job's items share one). */
export const detectorCache = (): DetectorFor => {
  const cache = new Map<string, ScopeDetector>()
  return (job) =>
    Effect.gen(function*() {
      const key = `${job.modelRevision ?? 0}|${[...job.programs].sort().join(",")}`
      const known = cache.get(key)
      if (known !== undefined) return known
      const models = yield* ModelRepo
      const pinned = yield* models.get(job.modelRevision ?? 0)
      if (Option.isNone(pinned)) return yield* new JobFailure({ message: `topic model revision ${job.modelRevision} not found` })
      const scopeTopics = scopeTopicIds(pinned.value.model, job.programs)
      const compiled = { scopeTopics, detector: compileDetector(pinned.value.model, scopeTopics) }
      cache.set(key, compiled)
      while (cache.size > 4) cache.delete(cache.keys().next().value!)
      return compiled
    })
}

/**
 * Runs one work item pulled from the queue, on this daemon: takes its lease (compare-and-set on
 * the item's record; a live lease of another daemon means this copy is a duplicate), runs the
 * reprocessing pipeline over its range from its checkpoint, and after every written page
 * advances the checkpoint and adds the page's counts — only while the lease is this daemon's and
 * only past the checkpoint, so a page is counted once however often it is replayed. `working`
 * tells the queue the item is alive (after every page and heartbeat).
 */
export const runItem = Effect.fn("Jobs.runItem")(function*(
  m: WorkMessage,
  instance: string,
  working: Effect.Effect<void>,
  detectorFor: DetectorFor
) {
  const jobs = yield* JobRepo
  const items = yield* WorkItemRepo
  const settings = yield* DaemonSettingsService
  const metrics = yield* Metrics
  const staleAfterMs = settings.takeoverAfterSeconds * 1000
  const wait: NatsWait = {
    maxWaitMs: settings.natsWaitSeconds * 1000,
    onWait: (error) => Effect.logWarning("NATS does not answer: the work item waits for it", { error }),
    onBack: () => Effect.void
  }
  const patient = <A, E, R>(self: Effect.Effect<A, E, R>) => untilNatsAnswers(self, wait)

  const job = Option.getOrUndefined(yield* patient(jobs.get(m.jobId)))
  if (job === undefined || job.jobStatus !== "InProgress") return "settled" as ItemOutcome
  const found = Option.getOrUndefined(yield* patient(items.get(m.jobId, m.item)))
  if (found === undefined || found.done || found.stopped === true || found.error !== undefined) return "settled" as ItemOutcome
  if (found.worker !== instance && isLeased(found, Date.now(), staleAfterMs)) return "settled" as ItemOutcome

  /** Compare-and-set on the item while it is this daemon's and not stopped. */
  const leased = (f: (i: WorkItem) => WorkItem | undefined) =>
    patient(items.update(m.jobId, m.item, (i) => (i.worker === instance && i.stopped !== true ? f(i) : undefined))).pipe(
      Effect.flatMap((o): Effect.Effect<WorkItem, LostOwnership | ItemStopped> => {
        if (Option.isNone(o)) return Effect.fail(new ItemStopped())
        if (o.value.stopped === true) return Effect.fail(new ItemStopped())
        if (o.value.worker !== instance) return Effect.fail(new LostOwnership(o.value.worker === undefined ? {} : { owner: o.value.worker }))
        return Effect.succeed(o.value)
      })
    )

  const now = () => new Date().toISOString()
  const taken = yield* patient(items.update(m.jobId, m.item, (i) =>
    i.done || i.stopped === true || i.error !== undefined || (i.worker !== instance && isLeased(i, Date.now(), staleAfterMs))
      ? undefined
      : { ...i, worker: instance, heartbeatAt: now() }
  ))
  if (Option.isNone(taken) || taken.value.worker !== instance || taken.value.done) return "settled" as ItemOutcome
  const item = taken.value
  const log = Effect.annotateLogs({ jobId: m.jobId, item: m.item })

  const onPage = (page: DecidedPage) =>
    Effect.gen(function*() {
      yield* leased((i) => {
        // Already counted: an earlier try of this update landed though its answer was lost.
        if (i.checkpoint !== undefined && comparePageKeys(page.last, i.checkpoint) <= 0) return undefined
        const counts = { processed: page.interactions.length, ...page.counts }
        return { ...i, checkpoint: page.last, counts: addCounts(i.counts, counts), heartbeatAt: now() }
      })
      metrics.interactions.inc({ pipeline: "reprocess", outcome: "updated" }, page.counts.updated)
      metrics.interactions.inc({ pipeline: "reprocess", outcome: "unchanged" }, page.counts.unchanged)
      metrics.interactions.inc({ pipeline: "reprocess", outcome: "failed" }, page.counts.failed)
      metrics.topicsDetected.inc({ pipeline: "reprocess" }, page.detections)
      metrics.textBytes.inc({ pipeline: "reprocess" }, page.textBytes)
      yield* working
    })

  const work = Effect.gen(function*() {
    const { detector, scopeTopics } = yield* patient(detectorFor(job))
    yield* Effect.logInfo(item.checkpoint === undefined ? "work item started" : "work item resumed", {
      ...(item.checkpoint === undefined ? {} : { checkpoint: item.checkpoint })
    })
    yield* reprocess({
      jobId: job.id,
      scope: job,
      scopeTopics,
      detector,
      version: job.writeVersion,
      resumeAfter: item.checkpoint ?? item.after,
      until: item.upTo,
      pageSize: item.pageSize,
      writeBatchPages: item.writeBatchPages,
      metrics,
      onPage
    })
    yield* leased((i) => ({ ...i, done: true, heartbeatAt: now() }))
    return "settled" as ItemOutcome
  })

  /** Lets the item go (its lease), e.g. so a coordinator stopping it sees nobody holds it. */
  const release = items.update(m.jobId, m.item, (i) => {
    if (i.worker !== instance) return undefined
    const { worker: _w, heartbeatAt: _h, ...rest } = i
    return rest
  }).pipe(Effect.timeout("5 seconds"), Effect.ignore)

  const heartbeat = heartbeatLoop(leased((i) => ({ ...i, heartbeatAt: now() })).pipe(Effect.andThen(working)), heartbeatMillis(settings))

  return yield* Effect.raceFirst(work, heartbeat).pipe(
    Effect.catchTag("LostOwnership", (e) =>
      Effect.logWarning("another daemon has taken the work item over: this daemon stops running it", { worker: e.owner })
        .pipe(Effect.as("settled" as ItemOutcome))),
    Effect.catchTag("ItemStopped", () =>
      Effect.logInfo("work item stopped by its job").pipe(Effect.andThen(release), Effect.as("settled" as ItemOutcome))),
    Effect.catchTag("NatsAway", (e) =>
      Effect.logWarning("NATS has not answered for too long: the work item is offered again later", { error: e.message })
        .pipe(Effect.as("later" as ItemOutcome))),
    Effect.catch((e) =>
      Effect.gen(function*() {
        // A failure of the item's own work: its job fails with it (and can be retried).
        yield* Effect.logError("work item failed", { error: errorText(e) })
        yield* patient(items.update(m.jobId, m.item, (i) => {
          if (i.worker !== instance) return undefined
          const { worker: _w, heartbeatAt: _h, ...rest } = i
          return { ...rest, error: errorText(e) }
        }))
        return "settled" as ItemOutcome
      })
    ),
    // Stopped (daemon shutdown): let the item go so the next daemon takes it at once.
    Effect.onInterrupt(() => release),
    log
  )
})
