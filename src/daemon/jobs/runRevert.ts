import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type Job, MaxPageInteractions, percentOf } from "../../domain/job.ts"
import { planRevert } from "../../domain/revert.ts"
import { JobRepo } from "../../repos/JobRepo.ts"
import { JobResultStore } from "../../store/JobResultStore.ts"
import { RevertStore } from "../../store/RevertStore.ts"
import { TopicWriter } from "../../store/TopicWriter.ts"
import { DaemonSettingsService } from "../DaemonSettingsService.ts"
import { jobEvent } from "./events.ts"
import { CancelSignal, JobFailure } from "./signals.ts"

/**
 * Runs a revert (a job of kind `revert`) from its checkpoint: pages (`REWIND_PAGE_SIZE`
 * interactions, as a job's pages) through the interactions the
 * reverted job changed (by id), and per page writes — at the revert's own version, keyed, so a
 * replay leaves no duplicates — the topics each changed block had before that job, except blocks
 * a later write changed since (conflicts, left as they are); a result per interaction (updated:
 * some block restored, with the topics put back; unchanged: every block in conflict); then
 * advances the record's checkpoint and counts in one compare-and-set.
 */
export const runRevert = <E, R>(job: Job, update: (f: (j: Job) => Job | undefined) => Effect.Effect<Job, E, R>) =>
  Effect.gen(function*() {
    const revert = yield* RevertStore
    const topics = yield* TopicWriter
    const results = yield* JobResultStore
    const pageSize = Math.min((yield* DaemonSettingsService).pageSize, MaxPageInteractions)
    const target = Option.getOrUndefined(yield* (yield* JobRepo).get(job.revertOf ?? ""))
    if (target === undefined || target.writeVersion === 0) {
      return yield* new JobFailure({ message: `job ${JSON.stringify(job.revertOf)} to revert is gone or never ran` })
    }
    const version = target.writeVersion
    let current = job
    if (current.revertCheckpoint === undefined) {
      const total = yield* revert.countChangedInteractions(target.id, version)
      current = yield* update((j) => ({ ...j, totalInteractionsCount: total }))
    }
    let after = current.revertCheckpoint ?? ""
    for (;;) {
      const ids = yield* revert.changedInteractions(target.id, version, after, pageSize)
      const last = ids.at(-1)
      if (last === undefined) return
      const plan = planRevert(yield* revert.changes(target.id, version, ids), yield* revert.changedSince(ids, version, job.writeVersion))
      const token = `${job.id}/${job.writeVersion}/${ids[0]}/${last}/${ids.length}`
      if (plan.changes.length > 0) yield* topics.write(job.id, job.writeVersion, plan.changes, token)
      yield* results.write(plan.results.map((r) => ({ jobId: job.id, ...r })), token)
      const updated = plan.results.filter((r) => r.outcome === "updated").length
      const now = new Date().toISOString()
      const next = yield* update((j) => {
        // Already counted: an earlier try of this update landed though its answer was lost.
        if (j.revertCheckpoint !== undefined && j.revertCheckpoint >= last) return undefined
        const processed = j.processedInteractionsCount + ids.length
        const total = Math.max(j.totalInteractionsCount, processed)
        const counts = j.revertCounts ?? { blocksReverted: 0, blocksInConflict: 0 }
        return {
          ...j,
          processedInteractionsCount: processed,
          updatedInteractionsCount: j.updatedInteractionsCount + updated,
          unchangedInteractionsCount: j.unchangedInteractionsCount + ids.length - updated,
          totalInteractionsCount: total,
          percentComplete: percentOf(processed, total),
          revertCounts: { blocksReverted: counts.blocksReverted + plan.blocksReverted, blocksInConflict: counts.blocksInConflict + plan.blocksInConflict },
          revertCheckpoint: last,
          heartbeatAt: now,
          dateModified: now
        }
      })
      yield* jobEvent("progress", next)
      if (next.cancelRequested) return yield* new CancelSignal()
      after = last
    }
  })
