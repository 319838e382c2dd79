/**
 * Deleting a job and the queue's `waitingOn`: a delete accepted while a job runs is carried out
 * however the job ends (completed, failed or cancelled), never lost; `waitingOn` is only on
 * queued jobs.
 *
 * Two ways make the timing deterministic, with the daemon's own code and no mocks:
 * - the test coordinates a job itself (`runJob` under an owner of its own, the record InProgress
 *   with a fresh heartbeat so no daemon takes it over), so a delete is accepted before its
 *   coordinator makes any cancel check;
 * - a job's only work item is leased by a worker the test plays (its record written before the
 *   job is planned, which keeps it), so the job stays InProgress until the test marks the item
 *   done, and the jobs queued behind it wait.
 */
import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import { deleteJob } from "../../../src/daemon/jobs/delete.ts"
import { runJob } from "../../../src/daemon/jobs/runJob.ts"
import type { Job } from "../../../src/domain/job.ts"
import { getExport } from "../../../src/nats/Exports.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { requestApi } from "../../../src/nats/Service.ts"
import { JobRepo } from "../../../src/repos/JobRepo.ts"
import { WorkItemRepo } from "../../../src/repos/WorkItemRepo.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { eventually, startSeededDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { allMedia, holdWorkItem, jobEvents, jobReaching, jobRecord, storedRowCounts } from "../../helpers/jobChecks.ts"
import { queuedJob } from "../../helpers/queuedJob.ts"
import { uniquePrefix } from "../../helpers/nats.ts"

const seed = { seed: 53, count: 300, from: "2026-02-01T00:00:00Z", to: "2026-02-08T00:00:00Z" }
const model = exampleModel()
const scope = { dateStart: seed.from, dateEnd: seed.to, programs: model.programs.map((p) => p.id), mediaTypes: allMedia }
/** The owner under which the test coordinates a job itself. */
const testOwner = "test-coordinator"

let daemon: TestDaemon
const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
const getJob = (jobId: string) => run(requestApi("job.get", { jobId })) as Promise<Job>
const notFound = async (jobId: string) => ((await run(Effect.flip(requestApi("job.get", { jobId })))) as { code: number }).code

/** A job record as the daemon writes one, with `o` over it. */
const record = (id: string, o: Partial<Job>): Job => queuedJob(id, scope, o)
const putRecord = (job: Job) => run(Effect.gen(function*() { return yield* (yield* JobRepo).create(job) }))

const holdItem = (jobId: string) => holdWorkItem(run, jobId)
const releaseItem = (jobId: string) =>
  run(Effect.gen(function*() {
    return yield* (yield* WorkItemRepo).update(jobId, 0, (i) => ({ ...i, done: true, heartbeatAt: new Date().toISOString() }))
  }))

/** Nothing of the job is left: no record (job.get says 404), no results, no export, no work items. */
const expectPurged = async (jobId: string) => {
  expect(await jobRecord(run, jobId)).toBeUndefined()
  expect(await notFound(jobId)).toBe(404)
  expect((await storedRowCounts(run, jobId)).results.rows).toBe(0)
  expect(Option.isNone(await run(getExport(`${jobId}.csv`)))).toBe(true)
  expect(await run(Effect.gen(function*() { return yield* (yield* WorkItemRepo).list(jobId) }))).toEqual([])
}

beforeAll(async () => {
  daemon = await startSeededDaemon(
    testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("job-delete"), daemon: { pageSize: 10, workItemInteractions: 10_000 } }),
    seed,
    model
  )
})

afterAll(async () => {
  await daemon?.dispose()
})

describe("a delete accepted while the job runs is carried out however the job ends", () => {
  it("a job that completes after the delete was accepted (no cancel check left) is purged, not Completed", async () => {
    // A revert with nothing to revert makes no cancel check: the delete lands before its end, after its last check.
    await putRecord(record("dl-target", { jobStatus: "Completed", writeVersion: 1, percentComplete: 100 }))
    const now = new Date().toISOString()
    await putRecord(record("dl-revert", {
      kind: "revert",
      revertOf: "dl-target",
      jobStatus: "InProgress",
      owner: testOwner,
      heartbeatAt: now,
      dateStarted: now,
      modelRevision: 1,
      writeVersion: 2
    }))
    const events = await jobEvents(run, "dl-revert")
    try {
      await run(publishCommand("job.delete", { jobId: "dl-revert" }))
      expect((await events.seen("cancelling")).cancelRequested).toBe(true)
      const claimed = await jobRecord(run, "dl-revert")
      expect(claimed?.deleteRequested).toBe(true)
      // Asked again while it runs: under way already, not announced again.
      await run(deleteJob("dl-revert"))
      await new Promise((r) => setTimeout(r, 500)) // a second event would have arrived by now
      expect(events.types.filter((t) => t === "cancelling")).toEqual(["cancelling"])

      await run(runJob(claimed!, testOwner))
      await events.seen("deleted")
      expect(events.types).not.toContain("completed")
      await expectPurged("dl-revert")
      expect((await getJob("dl-target")).jobStatus).toBe("Completed")
    } finally {
      events.stop()
    }
  })

  it("a job that fails after the delete was accepted is purged, not Failed", async () => {
    // Its target is gone: the revert fails before any cancel check.
    const now = new Date().toISOString()
    await putRecord(record("dl-failing", {
      kind: "revert",
      revertOf: "dl-missing",
      jobStatus: "InProgress",
      owner: testOwner,
      heartbeatAt: now,
      dateStarted: now,
      modelRevision: 1,
      writeVersion: 3
    }))
    const events = await jobEvents(run, "dl-failing")
    try {
      await run(publishCommand("job.delete", { jobId: "dl-failing" }))
      await events.seen("cancelling")
      const claimed = await jobRecord(run, "dl-failing")
      await run(runJob(claimed!, testOwner))
      await events.seen("deleted")
      expect(events.types).not.toContain("failed")
      await expectPurged("dl-failing")
    } finally {
      events.stop()
    }
  })

  it("a delete published as the job reaches 100% ends with the job gone: record, results, export, work items", async () => {
    const nats = await run(Effect.gen(function*() { return yield* Nats }))
    const events = await jobEvents(run, "dl-end")
    let published: Promise<unknown> | undefined
    // As the last item's counts reach the job (after its last cancel check), before its export and end.
    const sub = nats.nc.subscribe(nats.names.evt("job.dl-end"), {
      callback: (_e, m) => {
        const e = m.json<{ type: string; job: Job }>()
        if (published === undefined && e.type === "progress" && e.job.percentComplete === 100) {
          published = run(publishCommand("job.delete", { jobId: "dl-end" }))
        }
      }
    })
    try {
      await run(publishCommand("job.create", { ...scope, name: "deleted at its end", jobId: "dl-end" }))
      await eventually(async () => published, 90_000, "dl-end at 100%")
      await published
      await events.seen("deleted", 60_000)
      expect(events.types).not.toContain("completed")
      await expectPurged("dl-end")
    } finally {
      sub.unsubscribe()
      events.stop()
    }
  })

  it("a job being deleted cannot be retried; deleting it again purges it", async () => {
    // As a delete left it when the job ended Failed under it (before the fix), or while a delete purges it.
    await putRecord(record("dl-stale", { jobStatus: "Failed", writeVersion: 4, deleteRequested: true, errorMessage: "boom" }))
    const nats = await run(Effect.gen(function*() { return yield* Nats }))
    const rejections: Array<{ reason: string; streamSeq: number }> = []
    const sub = nats.nc.subscribe(nats.names.evt("command.rejected"), { callback: (_e, m) => void rejections.push(m.json()) })
    try {
      const { seq } = await run(publishCommand("job.retry", { jobId: "dl-stale" }))
      const r = await eventually(async () => rejections.find((x) => x.streamSeq === seq), 30_000, "retry rejected")
      expect(r.reason).toContain("being deleted")
      await run(publishCommand("job.delete", { jobId: "dl-stale" }))
      await eventually(async () => ((await jobRecord(run, "dl-stale")) === undefined ? true : undefined), 30_000, "dl-stale deleted")
      await expectPurged("dl-stale")
    } finally {
      sub.unsubscribe()
    }
  })
})

describe("waitingOn is only on queued jobs", () => {
  it("is cleared when a queued job starts, and when one is cancelled", async () => {
    // wo-a runs (its item held by the test), so wo-b and wo-c wait behind it.
    await holdItem("wo-a")
    await run(publishCommand("job.create", { ...scope, name: "wo a", jobId: "wo-a" }))
    await jobReaching(run, "wo-a", ["InProgress"])
    await run(publishCommand("job.create", { ...scope, name: "wo b", jobId: "wo-b" }))
    await run(publishCommand("job.create", { ...scope, name: "wo c", jobId: "wo-c" }))
    await eventually(async () => {
      const [b, c] = await Promise.all([getJob("wo-b"), getJob("wo-c")])
      return b.waitingOn === "1 job ahead" && c.waitingOn === "2 jobs ahead" ? true : undefined
    }, 30_000, "wo-b and wo-c waiting")

    await run(publishCommand("job.cancel", { jobId: "wo-c" }))
    const c = await jobReaching(run, "wo-c", ["Cancelled"])
    expect(c.waitingOn).toBeUndefined()
    expect((await getJob("wo-c")).waitingOn).toBeUndefined()

    const events = await jobEvents(run, "wo-b")
    try {
      await releaseItem("wo-a")
      expect((await jobReaching(run, "wo-a", ["Completed", "Failed"])).jobStatus).toBe("Completed")
      expect((await jobReaching(run, "wo-b", ["Completed", "Failed"])).jobStatus).toBe("Completed")
      await events.seen("completed")
      const started = events.events.filter((e) => e.type !== "progress" || e.job.jobStatus !== "Queued")
      expect(started.map((e) => e.type)).toContain("started")
      expect(started.filter((e) => e.job.waitingOn !== undefined)).toEqual([])
    } finally {
      events.stop()
    }
    for (const id of ["wo-a", "wo-b", "wo-c"]) expect((await getJob(id)).waitingOn).toBeUndefined()
    const list = await run(requestApi("job.list", {})) as { entities: Array<Job> }
    expect(list.entities.filter((j) => j.waitingOn !== undefined)).toEqual([])
  })
})
