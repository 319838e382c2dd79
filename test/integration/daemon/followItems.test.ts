/**
 * The job coordinator's view of its work items (src/daemon/jobs/followItems.ts) against a real
 * nats-server: a coordinator that resumes a job part-way (a restart, a takeover) starts from
 * every item's counts, so the job's progress never drops back before it climbs again.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer } from "effect"
import { DaemonSettingsService } from "../../../src/daemon/DaemonSettingsService.ts"
import { followItems } from "../../../src/daemon/jobs/followItems.ts"
import type { Patient } from "../../../src/daemon/jobs/natsWait.ts"
import type { Job } from "../../../src/domain/job.ts"
import type { ItemCounts, WorkItem } from "../../../src/domain/workItem.ts"
import type { Nats } from "../../../src/nats/Nats.ts"
import { ensureTopology } from "../../../src/nats/Topology.ts"
import { WorkItemRepo } from "../../../src/repos/WorkItemRepo.ts"
import { tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { testNatsLayer, uniquePrefix } from "../../helpers/nats.ts"

const prefix = uniquePrefix()
const layer = WorkItemRepo.layer.pipe(
  Layer.provideMerge(testNatsLayer(prefix)),
  Layer.merge(DaemonSettingsService.make(testSettings({ prefix, dataDir: tempDataDir("follow") }).daemon))
)

/** NATS answers throughout here: nothing to wait for. */
const patient: Patient<Nats> = (self) => self

const item = (jobId: string, k: number, processed: number, done: boolean): WorkItem => ({
  jobId,
  item: k,
  pageSize: 10,
  writeBatchPages: 1,
  counts: { processed, updated: processed - 1, unchanged: 0, failed: 1 },
  done
})

describe("following a job's work items", () => {
  it.live("a resumed coordinator's first sums count every item already done or part-way: progress never drops", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      const repo = yield* WorkItemRepo
      const jobId = "follow-1"
      // Five items part-way or done, as a coordinator killed mid-job leaves them: 640 processed.
      const before = [item(jobId, 0, 150, true), item(jobId, 1, 150, true), item(jobId, 2, 120, false), item(jobId, 3, 90, false), item(jobId, 4, 130, false)]
      for (const i of before) yield* repo.create(i)
      const startedAt = before.reduce((n, i) => n + i.counts.processed, 0)

      const sums: Array<ItemCounts> = []
      // Only the job's id is read (and the work queue's subject, to offer an abandoned item again).
      const job = { id: jobId } as Job
      const following = yield* followItems(job, before.length, (s) => Effect.sync(() => void sums.push(s)), patient).pipe(Effect.forkChild)
      while (sums.length === 0) yield* Effect.sleep("20 millis")

      // The items go on to their end.
      for (const k of [2, 3, 4]) yield* repo.update(jobId, k, (i) => ({ ...i, counts: { ...i.counts, processed: 150, updated: 149 }, done: true }))
      yield* Fiber.join(following)

      expect(sums[0]).toEqual({ processed: startedAt, updated: startedAt - 5, unchanged: 0, failed: 5 })
      const processed = sums.map((s) => s.processed)
      expect(processed.every((n, k) => n >= startedAt && (k === 0 || n >= processed[k - 1]!)), `progress as reported: ${processed.join(", ")}`).toBe(true)
      expect(sums.at(-1)).toEqual({ processed: 750, updated: 745, unchanged: 0, failed: 5 })
    }).pipe(Effect.provide(layer)))
})
