/**
 * Quota metering (`usage_monthly`, the estimate's `quota.used`) counts each run of a job once: a
 * job deleted and created again under the same id is another run, counted besides the first; a
 * job cancelled and retried is one run, counted for what it processed in all; an end recorded
 * again (a redelivery, a takeover) or in a later month changes no total.
 */
import { Effect, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import { firstWriteVersion } from "../../../src/domain/job.ts"
import { monthOf } from "../../../src/domain/quota.ts"
import { requestApi } from "../../../src/nats/Service.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { storeLayer } from "../../../src/store/layer.ts"
import { UsageStore } from "../../../src/store/UsageStore.ts"
import { backends, clickhouseSettings, uniqueDatabase } from "../../helpers/clickhouse.ts"
import { eventually, startSeededDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { allMedia, jobReaching, jobRecord, jobWhen } from "../../helpers/jobChecks.ts"
import { uniquePrefix } from "../../helpers/nats.ts"

const seed = { seed: 67, count: 400, from: "2026-02-01T00:00:00Z", to: "2026-02-09T00:00:00Z" }
const model = exampleModel()
const scopeOf = (dateStart: string, dateEnd: string) => ({ dateStart, dateEnd, programs: model.programs.map((p) => p.id), mediaTypes: allMedia })

let daemon: TestDaemon
const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
/** This month's `used`, as the estimate answers it (any scope). */
const usedNow = async () => {
  const e = await run(requestApi("job.estimate", scopeOf(seed.from, seed.to))) as { quota: { used: number; month: string } }
  expect(e.quota.month).toBe(monthOf(Date.now()))
  return e.quota.used
}

/** Waits until `used` is `n` (a cancelled or failed job is metered just after its end is written); fails saying what it was. */
const usedBecomes = async (n: number) => {
  let last = NaN
  await eventually(async () => ((last = await usedNow()) === n ? true : undefined), 15_000, `used to be ${n}`).catch(() => undefined)
  expect(last).toBe(n)
}

beforeAll(async () => {
  daemon = await startSeededDaemon(testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("usage"), daemon: { pageSize: 10 } }), seed, model)
})

afterAll(async () => {
  await daemon?.dispose()
})

describe("usage per job run", () => {
  it("a job deleted and created again under the same id in the same month: both runs are counted", async () => {
    const before = await usedNow()
    await run(publishCommand("job.create", { ...scopeOf("2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z"), name: "first", jobId: "u-same" }))
    const first = await jobReaching(run, "u-same", ["Completed", "Failed"])
    expect(first.jobStatus).toBe("Completed")
    expect(first.processedInteractionsCount).toBeGreaterThan(0)
    expect(await usedNow()).toBe(before + first.processedInteractionsCount)

    await run(publishCommand("job.delete", { jobId: "u-same" }))
    await eventually(async () => ((await jobRecord(run, "u-same")) === undefined ? true : undefined), 30_000, "u-same deleted")
    // Deleting a job takes back none of the work it did.
    expect(await usedNow()).toBe(before + first.processedInteractionsCount)

    await run(publishCommand("job.create", { ...scopeOf("2026-02-02T00:00:00Z", "2026-02-03T00:00:00Z"), name: "second", jobId: "u-same" }))
    const second = await jobReaching(run, "u-same", ["Completed", "Failed"])
    expect(second.jobStatus).toBe("Completed")
    expect(second.writeVersion).not.toBe(first.writeVersion)
    expect(second.processedInteractionsCount).toBeGreaterThan(0)
    expect(await usedNow()).toBe(before + first.processedInteractionsCount + second.processedInteractionsCount)
  })

  it("a job cancelled part-way and retried is counted once, for what it processed in all", async () => {
    const before = await usedNow()
    await run(publishCommand("job.create", { ...scopeOf("2026-02-03T00:00:00Z", "2026-02-09T00:00:00Z"), name: "retried", jobId: "u-retry" }))
    await jobWhen(run, "u-retry", (j) => j.processedInteractionsCount >= 30, "part-way")
    await run(publishCommand("job.cancel", { jobId: "u-retry" }))
    const stopped = await jobReaching(run, "u-retry", ["Cancelled", "Completed"])
    expect(stopped.jobStatus).toBe("Cancelled")
    await usedBecomes(before + stopped.processedInteractionsCount)

    await run(publishCommand("job.retry", { jobId: "u-retry" }))
    const done = await jobReaching(run, "u-retry", ["Completed", "Failed"])
    expect(done.jobStatus).toBe("Completed")
    expect(done.processedInteractionsCount).toBe(done.totalInteractionsCount)
    expect(await usedNow()).toBe(before + done.totalInteractionsCount)
  })
})

describe.each(backends)("usage per job run in the store on %s", (backend) => {
  // Embedded: the daemon's store; on the run's server, a database of this suite's own.
  let server: ManagedRuntime.ManagedRuntime<UsageStore, unknown> | undefined
  beforeAll(() => {
    if (backend === "server") {
      server = ManagedRuntime.make(storeLayer(clickhouseSettings("server", { dataDir: tempDataDir("usage-server"), database: uniqueDatabase("rewind_usage") })))
    }
  })
  afterAll(async () => {
    await server?.dispose()
  })
  const usage = <A, E>(f: (u: UsageStore["Service"]) => Effect.Effect<A, E>) => {
    const e = Effect.gen(function*() { return yield* f(yield* UsageStore) })
    return server === undefined ? run(e) : server.runPromise(e)
  }

  it("an end recorded again changes nothing; a run's months add up to its total; a row of the job id alone is taken over by its run", async () => {
    const v = firstWriteVersion(Date.now() - 60_000, 1)
    await usage((u) => u.recordRun("2019-01", "u-store", v, 120))
    await usage((u) => u.recordRun("2019-01", "u-store", v, 120))
    expect(await usage((u) => u.usedInMonth("2019-01"))).toBe(120)
    // Retried, ending in the next month, its end recorded twice.
    await usage((u) => u.recordRun("2019-02", "u-store", v, 300))
    await usage((u) => u.recordRun("2019-02", "u-store", v, 300))
    expect([await usage((u) => u.usedInMonth("2019-01")), await usage((u) => u.usedInMonth("2019-02"))]).toEqual([120, 180])
    // Another run under the same id (the first deleted): counted besides.
    await usage((u) => u.recordRun("2019-02", "u-store", firstWriteVersion(Date.now(), 2), 50))
    expect(await usage((u) => u.usedInMonth("2019-02"))).toBe(230)

    // A row keyed by the job id alone (as recorded before runs were told apart), recorded after the run started: the run's.
    await usage((u) => u.record("2019-03", "u-old", 70))
    await usage((u) => u.recordRun("2019-03", "u-old", v, 100))
    expect(await usage((u) => u.usedInMonth("2019-03"))).toBe(100)
    // One recorded well before the run started (more than the clocks may be apart): an earlier job's, still counted.
    await usage((u) => u.record("2019-04", "u-older", 70))
    await usage((u) => u.recordRun("2019-04", "u-older", firstWriteVersion(Date.now() + 10 * 60_000, 3), 100))
    expect(await usage((u) => u.usedInMonth("2019-04"))).toBe(170)
  })
})
