import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import { WorkItemRepo } from "../../../src/repos/WorkItemRepo.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { ClickHouse } from "../../../src/store/ClickHouse.ts"
import { startDaemon, startSeededDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { expectedJob } from "../../helpers/expected.ts"
import { allMedia, expectUndisturbedOutcome, jobEvents, jobReaching } from "../../helpers/jobChecks.ts"
import { uniquePrefix } from "../../helpers/nats.ts"

// Three daemons on one NATS and one store (here: one embedded engine shared in this process);
// the job's scope is cut into items of 100 interactions.
const prefix = uniquePrefix()
const dataDir = tempDataDir("shared")
const seed = { seed: 17, count: 1_000, from: "2026-01-01T00:00:00Z", to: "2026-01-11T00:00:00Z" }
const model = exampleModel()
const daemonSettings = (name: string) =>
  testSettings({ prefix, dataDir, daemon: { pageSize: 10, workItemInteractions: 100, instanceName: name } })
const daemons: Array<TestDaemon> = []

const run = <A, E>(e: Effect.Effect<A, E, any>) => daemons[0]!.runPromise(e as Effect.Effect<A, E, never>)

beforeAll(async () => {
  daemons.push(await startSeededDaemon(daemonSettings("a"), seed, model))
  daemons.push(await startDaemon(daemonSettings("b")), await startDaemon(daemonSettings("c")))
})

afterAll(async () => {
  await Promise.all(daemons.map((d) => d.dispose()))
})

describe("one job shared by several daemons", () => {
  it("runs its work items on every daemon, counts each once, and exports and meters it once", async () => {
    const scope = { dateStart: seed.from, dateEnd: seed.to, programs: model.programs.map((p) => p.id), mediaTypes: allMedia }
    const expected = expectedJob(seed, model, scope)
    const seen = await jobEvents(run, "shared-1")
    const events = seen.types

    await run(publishCommand("job.create", { ...scope, name: "shared", jobId: "shared-1" }))
    const done = await jobReaching(run, "shared-1", ["Completed", "Failed"], 120_000)
    // The record is written before the event: wait for it, then a little longer for any second one.
    await seen.seen("completed")
    await new Promise((r) => setTimeout(r, 300))
    seen.stop()
    await expectUndisturbedOutcome(run, done, expected, model)

    // Cut into items of 100 by the store's key; every item done, run by all three daemons.
    const items = await run(Effect.gen(function*() { return yield* (yield* WorkItemRepo).list("shared-1") }))
    expect(items).toHaveLength(Math.floor(expected.total / 100) + 1)
    expect(items.every((i) => i.done)).toBe(true)
    expect(items.reduce((n, i) => n + i.counts.processed, 0)).toBe(expected.total)
    const workers = new Set(items.map((i) => i.worker?.replace(/-[a-z0-9]+$/, "")))
    expect([...workers].sort()).toEqual(["a", "b", "c"])

    // Finished once: one completed event, one usage row for the job (for its run: `<jobId>@<writeVersion>`).
    expect(events.filter((t) => t === "completed")).toHaveLength(1)
    const usage = await run(Effect.gen(function*() {
      const ch = yield* ClickHouse
      return yield* Effect.promise(async () =>
        (await (await ch.client.query({
          query: `SELECT count() AS n, sum(interactions) AS i FROM ${ch.database}.usage_monthly WHERE splitByChar('@', job_id)[1] = {job:String}`,
          query_params: { job: "shared-1" },
          format: "JSONEachRow"
        })).json()) as Array<{ n: string; i: string }>)
    }))
    expect(usage.map((r) => ({ n: Number(r.n), i: Number(r.i) }))).toEqual([{ n: 1, i: expected.total }])
  })
})
