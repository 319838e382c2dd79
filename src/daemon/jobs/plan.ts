import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { comparePageKeys } from "../../domain/interaction.ts"
import { type Job, MaxPageInteractions } from "../../domain/job.ts"
import { type ItemCounts, planItems, type WorkItem } from "../../domain/workItem.ts"
import type { Nats } from "../../nats/Nats.ts"
import { dropItems, offerItem } from "../../nats/WorkQueue.ts"
import { WriteBatchPages } from "../../pipelines/reprocess/pipeline.ts"
import { WorkItemRepo } from "../../repos/WorkItemRepo.ts"
import { InteractionStore } from "../../store/InteractionStore.ts"
import { DaemonSettingsService } from "../DaemonSettingsService.ts"
import { limitMessage } from "./estimate.ts"
import type { Patient as Patient0 } from "./natsWait.ts"
import { JobFailure } from "./signals.ts"

type Patient = Patient0<Nats>
type Update<E, R> = (f: (j: Job) => Job | undefined) => Effect.Effect<Job, E, R>

/**
 * Cuts a job's scope into work items of `REWIND_WORK_ITEM_INTERACTIONS` (by the store's paging
 * key), records them (an item already recorded is kept: a coordinator that died while planning
 * left the same plan), and records the plan and the scope's size on the job. A job of the first
 * version stopped at a checkpoint keeps what it did as a finished item 0.
 */
export const planJob = <E, R>(job: Job, update: Update<E, R>, patient: Patient) =>
  Effect.gen(function*() {
    const store = yield* InteractionStore
    const items = yield* WorkItemRepo
    const settings = yield* DaemonSettingsService
    const total = yield* store.countInScope(job)
    // Checked at create too; interactions recovered or ingested into a queued (or proposed) job's
    // range since can take it over the limit: such a job fails saying so, before any work.
    if (job.checkpoint === undefined && total > settings.maxJobInteractions) {
      return yield* new JobFailure({ message: `by the time the job started, ${limitMessage(total, settings.maxJobInteractions)}` })
    }
    const pageSize = Math.min(settings.pageSize, MaxPageInteractions)
    const paging = { pageSize, writeBatchPages: pageSize >= MaxPageInteractions ? WriteBatchPages : 1 }
    const boundaries = yield* store.scopeBoundaries(job, settings.workItemInteractions)
    const from = job.checkpoint
    const planned: ReadonlyArray<WorkItem> = from === undefined
      ? planItems(job.id, boundaries, paging)
      : [
        {
          ...planItems(job.id, [from], paging)[0]!,
          checkpoint: from,
          done: true,
          counts: {
            processed: job.processedInteractionsCount,
            updated: job.updatedInteractionsCount,
            unchanged: job.unchangedInteractionsCount,
            failed: job.failedInteractionsCount
          }
        },
        ...planItems(job.id, [from, ...boundaries.filter((b) => comparePageKeys(b, from) > 0)], paging).slice(1)
      ]
    yield* Effect.forEach(planned, (i) => patient(items.create(i)), { concurrency: 16, discard: true })
    return yield* update((j) => ({
      ...j,
      totalInteractionsCount: total,
      plan: { items: planned.length, itemInteractions: settings.workItemInteractions }
    }))
  })

/**
 * Offers every unfinished item of the job on the work queue, reopening items an earlier end
 * stopped (a retry). An item that is already queued or running is offered again harmlessly:
 * the daemon that pulls the second copy finds it leased or done and lets it be.
 */
export const offerItems = (job: Job, owner: string, patient: Patient) =>
  Effect.gen(function*() {
    const items = yield* WorkItemRepo
    const round = `${owner}-${Date.now().toString(36)}`
    for (const i of yield* patient(items.list(job.id))) {
      if (i.done) continue
      if (i.stopped === true || i.error !== undefined) {
        yield* patient(items.update(job.id, i.item, (x) => {
          const { stopped: _s, error: _e, worker: _w, heartbeatAt: _h, ...open } = x
          return open
        }))
      }
      yield* patient(offerItem({ jobId: job.id, item: i.item }, round))
    }
  })

/** Sums of the items' counts: the job's counts. */
export const itemSums = (items: Iterable<WorkItem>): ItemCounts => {
  const s = { processed: 0, updated: 0, unchanged: 0, failed: 0 }
  for (const i of items) {
    s.processed += i.counts.processed
    s.updated += i.counts.updated
    s.unchanged += i.counts.unchanged
    s.failed += i.counts.failed
  }
  return s
}

const isLeased = (i: WorkItem, now: number, staleAfterMs: number) =>
  i.worker !== undefined && i.heartbeatAt !== undefined && now - Date.parse(i.heartbeatAt) < staleAfterMs

/**
 * Stops the job's unfinished items (their workers stop at their next page) and drops those
 * still queued; waits until no worker holds one, at most `staleAfterMs`.
 */
export const stopItems = (jobId: string, staleAfterMs: number) =>
  Effect.gen(function*() {
    const items = yield* WorkItemRepo
    for (const i of yield* items.list(jobId)) {
      if (!i.done && i.stopped !== true) yield* items.update(jobId, i.item, (x) => (x.done ? undefined : { ...x, stopped: true }))
    }
    yield* dropItems(jobId)
    const deadline = Date.now() + staleAfterMs
    while (Date.now() < deadline) {
      const now = Date.now()
      if (!(yield* items.list(jobId)).some((i) => !i.done && isLeased(i, now, staleAfterMs))) return
      yield* Effect.sleep(Duration.millis(200))
    }
  })

export { isLeased }
