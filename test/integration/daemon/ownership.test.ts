import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import { JobRunner } from "../../../src/daemon/jobs/JobRunner.ts"
import { JobRepo } from "../../../src/repos/JobRepo.ts"
import { WorkItemRepo } from "../../../src/repos/WorkItemRepo.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { eventually, startSeededDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { expectedJob } from "../../helpers/expected.ts"
import { allMedia, expectUndisturbedOutcome, jobReaching, jobRecord, jobWhen } from "../../helpers/jobChecks.ts"
import { uniquePrefix } from "../../helpers/nats.ts"

const seed = { seed: 31, count: 1_400, from: "2026-01-01T00:00:00Z", to: "2026-01-15T00:00:00Z" }
const model = exampleModel()
// Takeover after 6 s of silence; heartbeats every 2 s. One work item per job.
const settings = testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("ownership"), daemon: { pageSize: 10, takeoverAfterSeconds: 6 } })
let daemon: TestDaemon

const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const item0 = (jobId: string) => run(Effect.gen(function*() { return yield* (yield* WorkItemRepo).get(jobId, 0) })).then(Option.getOrUndefined)
const scopeOf = (dateStart: string, dateEnd: string) => ({ dateStart, dateEnd, programs: model.programs.map((p) => p.id), mediaTypes: allMedia })

beforeAll(async () => {
  daemon = await startSeededDaemon(settings, seed, model)
})

afterAll(async () => {
  await daemon?.dispose()
})

describe("a daemon whose job or work item was taken over", () => {
  it("stops coordinating the job at once (no progress, no heartbeat on its record), and the job still ends as if undisturbed", async () => {
    const scope = scopeOf("2026-01-01T00:00:00Z", "2026-01-08T00:00:00Z")
    const runner = await run(Effect.gen(function*() { return yield* JobRunner }))
    await run(publishCommand("job.create", { ...scope, name: "taken over", jobId: "own-1" }))
    await jobWhen(run, "own-1", (j) => j.processedInteractionsCount > 0, "part-way")

    // What another daemon's takeover writes: itself as owner, with a fresh heartbeat.
    const taken = Option.getOrThrow(await run(Effect.gen(function*() {
      return yield* (yield* JobRepo).update("own-1", (j) => ({ ...j, owner: "another-daemon", heartbeatAt: new Date().toISOString() }))
    })))
    expect(taken.processedInteractionsCount).toBeLessThan(taken.totalInteractionsCount)

    // This daemon notices (its next update or heartbeat) and stops coordinating the job.
    await eventually(async () => ((await run(runner.running)).includes("own-1") ? undefined : true), 3_000, "the daemon to let own-1 go")
    // ... and writes nothing more to it: two heartbeat periods later the record is as the takeover left it.
    await sleep(4_000)
    expect(await jobRecord(run, "own-1")).toEqual(taken)

    // The other daemon "dies" too: once its heartbeat is 6 s old, this daemon coordinates the
    // job again, its counts the sums of the work items', nothing counted twice.
    const done = await jobReaching(run, "own-1", ["Completed"])
    await expectUndisturbedOutcome(run, done, expectedJob(seed, model, scope), model)
  })

  it("stops running a work item whose lease another daemon took, and the item is finished from its checkpoint", async () => {
    const scope = scopeOf("2026-01-08T00:00:00Z", "2026-01-15T00:00:00Z")
    await run(publishCommand("job.create", { ...scope, name: "item taken over", jobId: "own-2" }))
    await eventually(async () => {
      const i = await item0("own-2")
      return i !== undefined && i.counts.processed > 0 ? i : undefined
    }, 60_000, "own-2's item part-way")

    const taken = Option.getOrThrow(await run(Effect.gen(function*() {
      return yield* (yield* WorkItemRepo).update("own-2", 0, (i) => ({ ...i, worker: "another-daemon", heartbeatAt: new Date().toISOString() }))
    })))
    expect(taken.done).toBe(false)
    // Its worker writes nothing more to it (no page, no heartbeat) while the lease is the other's.
    await sleep(4_000)
    expect(await item0("own-2")).toEqual(taken)

    // The lease goes stale: the coordinator offers the item again and it is finished from its
    // checkpoint, every page counted once.
    const done = await jobReaching(run, "own-2", ["Completed"])
    await expectUndisturbedOutcome(run, done, expectedJob(seed, model, scope), model)
  })
})
