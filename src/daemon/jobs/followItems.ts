import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import type { Job } from "../../domain/job.ts"
import type { ItemCounts, WorkItem } from "../../domain/workItem.ts"
import type { Nats } from "../../nats/Nats.ts"
import { offerItem } from "../../nats/WorkQueue.ts"
import { WorkItemRepo } from "../../repos/WorkItemRepo.ts"
import { DaemonSettingsService } from "../DaemonSettingsService.ts"
import type { Patient } from "./natsWait.ts"
import { isLeased, itemSums } from "./plan.ts"
import { JobFailure } from "./signals.ts"

/** How often the coordinator reads all items, besides watching them (a watch may miss a change across a NATS restart). */
const pollEvery = "2 seconds"

/** The further along of two values of one item (a poll and a watch may deliver them out of order). */
const further = (a: WorkItem | undefined, b: WorkItem): WorkItem =>
  a === undefined || b.done || (!a.done && b.counts.processed >= a.counts.processed) ? b : a

/**
 * Follows a job's `count` items until all are done: every change of an item's record (a watch,
 * and a poll every 2 s) gives `onSums` the sums of the items' counts. An item that failed fails
 * the job (JobFailure); an item whose worker stopped heart-beating is offered again, so another
 * daemon picks it up where its checkpoint stands.
 *
 * The items' records are read once before the watch starts, so the first sums already count
 * every item: a coordinator resuming a job (after a restart or a takeover) otherwise summed the
 * watch's replay item by item, and wrote the job's progress back down — to a single item's
 * counts, even 0 — before it climbed again.
 */
export const followItems = <E, R>(
  job: Job,
  count: number,
  onSums: (sums: ItemCounts) => Effect.Effect<void, E, R>,
  patient: Patient<Nats>
) =>
  Effect.gen(function*() {
    const repo = yield* WorkItemRepo
    const settings = yield* DaemonSettingsService
    const staleAfterMs = settings.takeoverAfterSeconds * 1000
    const items = new Map<number, WorkItem>()
    const reoffered = new Map<number, number>()
    const allDone = () => items.size >= count && [...items.values()].every((i) => i.done)

    /** Items' records taken in: a failed one fails the job; else `onSums` gets the new sums. */
    const seen = (...records: ReadonlyArray<WorkItem>) =>
      Effect.gen(function*() {
        for (const i of records) items.set(i.item, further(items.get(i.item), i))
        const failed = records.find((i) => i.error !== undefined && i.stopped !== true)
        if (failed !== undefined) return yield* new JobFailure({ message: `work item ${failed.item} failed: ${failed.error}` })
        yield* onSums(itemSums(items.values()))
      })

    const reap = Effect.gen(function*() {
      const now = Date.now()
      for (const i of items.values()) {
        if (i.done || i.worker === undefined || isLeased(i, now, staleAfterMs)) continue
        if (now - (reoffered.get(i.item) ?? 0) < staleAfterMs) continue
        reoffered.set(i.item, now)
        yield* Effect.logInfo("work item abandoned by its worker: offered again", { item: i.item, worker: i.worker })
        yield* patient(offerItem({ jobId: job.id, item: i.item }, `again-${now.toString(36)}`))
      }
    })

    yield* seen(...yield* patient(repo.list(job.id)))

    const watched = repo.watch(job.id).pipe(Stream.retry(Schedule.spaced("1 second")))
    const polled = Stream.tick(pollEvery).pipe(
      Stream.mapEffect(() => patient(repo.list(job.id)).pipe(Effect.tap(() => reap))),
      Stream.flattenIterable
    )
    yield* Stream.merge(watched, polled).pipe(
      Stream.mapEffect((i) => seen(i)),
      Stream.takeUntil(allDone),
      Stream.runDrain
    )
  })
