import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import type { Job } from "../../../src/domain/job.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { requestApi } from "../../../src/nats/Service.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { ClickHouse } from "../../../src/store/ClickHouse.ts"
import { JobResultStore } from "../../../src/store/JobResultStore.ts"
import { eventually, startSeededDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { expectedJob } from "../../helpers/expected.ts"
import { allMedia, expectUndisturbedOutcome, jobEvents, jobReaching, jobRecord, jobWhen } from "../../helpers/jobChecks.ts"
import { uniquePrefix } from "../../helpers/nats.ts"

const seed = { seed: 41, count: 1200, from: "2026-01-01T00:00:00Z", to: "2026-01-13T00:00:00Z" }
const model = exampleModel()
/** Small pages: a cancel sent part-way lands long before the job's end (with 10, a loaded machine let it finish first). */
const settings = testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("retry"), daemon: { pageSize: 4 } })
let cancelAttempts = 0
let daemon: TestDaemon

const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
const ended = (jobId: string, statuses: ReadonlyArray<string>) => jobReaching(run, jobId, statuses)
const partway = (jobId: string, atLeast: number) => jobWhen(run, jobId, (j) => j.processedInteractionsCount >= atLeast, "part-way")
const storeCommand = (query: string) =>
  run(Effect.gen(function*() {
    const ch = yield* ClickHouse
    yield* Effect.promise(() => ch.client.command({ query: query.replaceAll("{db}", ch.database) }))
  }))
const storeCounts = (jobId: string) => run(Effect.gen(function*() { return yield* (yield* JobResultStore).outcomeCounts(jobId) }))

const scopeOf = (dateStart: string, dateEnd: string) => ({ dateStart, dateEnd, programs: model.programs.map((p) => p.id), mediaTypes: allMedia })

/** The record's counts agree with the job's results in the store. */
const expectRecordMatchesStore = async (j: Job) => {
  const c = await storeCounts(j.id)
  expect({
    processed: j.processedInteractionsCount,
    updated: j.updatedInteractionsCount,
    unchanged: j.unchangedInteractionsCount,
    failed: j.failedInteractionsCount
  }).toEqual({ processed: c.updated + c.unchanged + c.failed, ...c })
}

beforeAll(async () => {
  daemon = await startSeededDaemon(settings, seed, model)
})

afterAll(async () => {
  await daemon?.dispose()
})

describe("rewind.cmd.job.retry", () => {
  const failing = scopeOf("2026-01-01T00:00:00Z", "2026-01-05T00:00:00Z")
  /** A scope and an id of its own per attempt (CI tries a failed test again; the first attempt's job changed its scope). */
  const cancelledScopes = [scopeOf("2026-01-05T00:00:00Z", "2026-01-09T00:00:00Z"), scopeOf("2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z")]

  it("a job failed part-way (its store table gone) agrees with the store, and a retry ends it as if undisturbed", async () => {
    const seen = await jobEvents(run, "rt-fail")
    const events = seen.types
    await run(publishCommand("job.create", { ...failing, name: "fails part-way", jobId: "rt-fail" }))
    await partway("rt-fail", 50)
    await storeCommand("RENAME TABLE {db}.transcript_blocks TO {db}.transcript_blocks_away")
    const failed = await ended("rt-fail", ["Failed", "Completed"]).finally(() =>
      storeCommand("RENAME TABLE {db}.transcript_blocks_away TO {db}.transcript_blocks"))
    expect(failed.jobStatus).toBe("Failed")
    expect(failed.errorMessage).toContain("transcript_blocks")
    expect(failed.processedInteractionsCount).toBeLessThan(failed.totalInteractionsCount)
    await expectRecordMatchesStore(failed)
    expect(failed.checkpointCounts).toBeDefined()
    // Internal bookkeeping stays out of the public record.
    const shown = await run(requestApi("job.get", { jobId: "rt-fail" })) as Record<string, unknown>
    expect(shown["checkpointCounts"]).toBeUndefined()

    await run(publishCommand("job.retry", { jobId: "rt-fail", commandId: "retry-rt-fail" }))
    const done = await ended("rt-fail", ["Completed"])
    await seen.seen("completed").finally(seen.stop)
    await expectUndisturbedOutcome(run, done, expectedJob(seed, model, failing), model)
    expect(done.writeVersion).toBe(failed.writeVersion)
    expect(done.modelRevision).toBe(failed.modelRevision)
    expect(done.errorMessage).toBeUndefined()
    expect(done.checkpointCounts).toBeUndefined()
    expect(events).toEqual(expect.arrayContaining(["failed", "retried", "started", "completed"]))
    expect(events.indexOf("retried")).toBeGreaterThan(events.indexOf("failed"))
  })

  it("a cancelled job agrees with the store, and a retry continues it to an undisturbed run's end", async () => {
    const n = cancelAttempts++
    const cancelled = cancelledScopes[n]
    if (cancelled === undefined) throw new Error(`no scope left for attempt ${n + 1}`)
    const jobId = n === 0 ? "rt-cancel" : `rt-cancel-${n + 1}`
    await run(publishCommand("job.create", { ...cancelled, name: "cancelled part-way", jobId }))
    await partway(jobId, 20)
    await run(publishCommand("job.cancel", { jobId }))
    const stopped = await ended(jobId, ["Cancelled", "Completed"])
    expect(stopped.jobStatus).toBe("Cancelled")
    expect(stopped.processedInteractionsCount).toBeLessThan(stopped.totalInteractionsCount)
    await expectRecordMatchesStore(stopped)

    await run(publishCommand("job.retry", { jobId }))
    await expectUndisturbedOutcome(run, await ended(jobId, ["Completed"]), expectedJob(seed, model, cancelled), model)
  })

  it("refuses to retry a job that is not Failed or Cancelled, naming the field", async () => {
    const nats = await run(Effect.gen(function*() { return yield* Nats }))
    const rejections: Array<{ commandId?: string; reason: string; field?: string }> = []
    const sub = nats.nc.subscribe(nats.names.evt("command.rejected"), { callback: (_e, m) => void rejections.push(m.json()) })
    await run(publishCommand("job.retry", { jobId: "rt-fail", commandId: "retry-completed" }))
    await run(publishCommand("job.retry", { jobId: "no-such-job", commandId: "retry-unknown" }))
    const seen = await eventually(async () => (rejections.length >= 2 ? rejections : undefined), 30_000, "two rejections")
    sub.unsubscribe()
    expect(seen.find((r) => r.commandId === "retry-completed")).toMatchObject({
      field: "jobId",
      reason: `job "rt-fail" is Completed: only a Failed or Cancelled job can be retried`
    })
    expect(seen.find((r) => r.commandId === "retry-unknown")).toMatchObject({ field: "jobId", reason: `no job with id "no-such-job"` })
    expect((await jobRecord(run, "rt-fail"))?.jobStatus).toBe("Completed")
  })
})
