import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/cli/client.ts"
import { JobRunner } from "../../../src/daemon/jobs/JobRunner.ts"
import { JobRepo } from "../../../src/repos/JobRepo.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { eventually, startSeededDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { expectedJob } from "../../helpers/expected.ts"
import { allMedia, expectUndisturbedOutcome, jobReaching, jobRecord, jobWhen } from "../../helpers/jobChecks.ts"
import { uniquePrefix } from "../../helpers/nats.ts"

const seed = { seed: 31, count: 700, from: "2026-01-01T00:00:00Z", to: "2026-01-08T00:00:00Z" }
const model = exampleModel()
// Takeover after 6 s of silence; heartbeats every 2 s.
const settings = testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("ownership"), daemon: { pageSize: 10, takeoverAfterSeconds: 6 } })
let daemon: TestDaemon

const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

beforeAll(async () => {
  daemon = await startSeededDaemon(settings, seed, model)
})

afterAll(async () => {
  await daemon?.dispose()
})

describe("a daemon whose job was taken over", () => {
  it("stops writing to it at once (no progress, no heartbeat), and the job still ends as if undisturbed", async () => {
    const scope = { dateStart: seed.from, dateEnd: seed.to, programs: model.programs.map((p) => p.id), mediaTypes: allMedia }
    const runner = await run(Effect.gen(function*() { return yield* JobRunner }))
    await run(publishCommand("job.create", { ...scope, name: "taken over", jobId: "own-1" }))
    await jobWhen(run, "own-1", (j) => j.processedInteractionsCount > 0, "part-way")

    // What another daemon's takeover writes: itself as owner, with a fresh heartbeat.
    const taken = Option.getOrThrow(await run(Effect.gen(function*() {
      return yield* (yield* JobRepo).update("own-1", (j) => ({ ...j, owner: "another-daemon", heartbeatAt: new Date().toISOString() }))
    })))
    expect(taken.processedInteractionsCount).toBeLessThan(taken.totalInteractionsCount)

    // This daemon notices (its next page or heartbeat) and stops running the job.
    await eventually(async () => ((await run(runner.running)).includes("own-1") ? undefined : true), 3_000, "the daemon to let own-1 go")
    // ... and writes nothing more: two heartbeat periods later the record is as the takeover left it.
    await sleep(4_000)
    const after = await jobRecord(run, "own-1")
    expect(after).toEqual(taken)

    // The other daemon "dies" too: once its heartbeat is 6 s old, this daemon resumes the job from
    // the checkpoint the takeover left, and nothing is counted twice.
    const done = await jobReaching(run, "own-1", ["Completed"])
    await expectUndisturbedOutcome(run, done, expectedJob(seed, model, scope), model)
  })
})
