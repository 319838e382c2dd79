import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import { JobRunner } from "../../../src/daemon/jobs/JobRunner.ts"
import { Metrics } from "../../../src/daemon/Metrics.ts"
import type { Job } from "../../../src/domain/job.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { startSeededDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { expectedJob } from "../../helpers/expected.ts"
import { attemptScopes, expectUndisturbedOutcome, jobEvents, jobReaching, threeDayScope } from "../../helpers/jobChecks.ts"
import { uniquePrefix } from "../../helpers/nats.ts"
import { type NatsServerHandle, startNatsServer } from "../../helpers/natsServer.ts"

// This file restarts its own nats-server (same port, same JetStream store) under a running job.
// ≈ 900 interactions per three-day job (a fast host ran a third of that in well under a second),
// so that NATS is disturbed while the job is still well under way. Scopes 3–5 are spares for a
// test CI tries again.
const seed = { seed: 25, count: 5_400, from: "2026-01-01T00:00:00Z", to: "2026-01-19T00:00:00Z" }
const model = exampleModel()
const natsStore = tempDataDir("nats-restart-store")
let server: NatsServerHandle
let daemon: TestDaemon

const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const scopeOf = (k: number) => threeDayScope(model, k)
const attempt = attemptScopes([3, 4, 5])

beforeAll(async () => {
  server = await startNatsServer({ storeDir: natsStore })
  const base = testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("nats-restart"), daemon: { pageSize: 10 } })
  daemon = await startSeededDaemon({ ...base, nats: { ...base.nats, servers: [server.url] } }, seed, model)
}, 120_000)

afterAll(async () => {
  server?.signal("SIGCONT")
  await daemon?.dispose()
  await server?.stop()
})

const restartServer = async () => {
  server = await startNatsServer({ storeDir: natsStore, port: server.port })
}

/** Publishes a job, disturbs NATS as soon as the job reports progress, and returns it once it has ended. */
const disturbedJob = async (name: string, first: number, disturb: () => Promise<void>) => {
  const { jobId, k } = attempt(name, first)
  const events = await jobEvents(run, jobId)
  await run(publishCommand("job.create", { ...scopeOf(k), name: jobId, jobId }))
  const partway = await events.firstProgress()
  expect(partway.jobStatus).toBe("InProgress")
  expect(partway.processedInteractionsCount).toBeLessThan(partway.totalInteractionsCount)
  await disturb()
  const done = await jobReaching(run, jobId, ["Completed", "Failed", "Cancelled"], 120_000)
  await events.seen(done.jobStatus.toLowerCase()).finally(events.stop)
  return { done, events: events.types, k }
}

const expectLikeUndisturbed = async (done: Job, k: number) => {
  expect(done.errorMessage).toBeUndefined()
  await expectUndisturbedOutcome(run, done, expectedJob(seed, model, scopeOf(k)), model)
}

describe("a NATS restart or pause under a running job (real nats-server, restarted by the test)", () => {
  it("SIGTERM and an immediate restart on the same store: the job completes as if undisturbed", async () => {
    const { done, k } = await disturbedJob("nr-term", 0, async () => {
      await server.stop()
      await restartServer()
    })
    await expectLikeUndisturbed(done, k)
  })

  it("kill -9 and a restart 2 s later: the job waits for NATS and completes as if undisturbed", async () => {
    const { done, events, k } = await disturbedJob("nr-kill", 1, async () => {
      server.signal("SIGKILL")
      await server.exited()
      await sleep(2_000)
      await restartServer()
    })
    await expectLikeUndisturbed(done, k)
    expect(events.at(-1)).toBe("completed")
  })

  it("SIGSTOP for 10 s: the job shows it waits for NATS (status, metrics, events), then completes as if undisturbed", async () => {
    const runner = await run(Effect.gen(function*() { return yield* JobRunner }))
    const metrics = await run(Effect.gen(function*() { return yield* Metrics }))
    const waitingGauge = async () =>
      (await metrics.jobsWaiting.get()).values.find((v) => v.labels["on"] === "nats")?.value ?? 0
    let seenWaiting: { activity: unknown; gauge: number } | undefined
    const { done, events, k } = await disturbedJob("nr-stop", 2, async () => {
      server.signal("SIGSTOP")
      try {
        const until = Date.now() + 10_000
        while (Date.now() < until) {
          const activity = await run(runner.activity)
          if (seenWaiting === undefined && activity.some((a) => a.waitingOn === "NATS")) {
            seenWaiting = { activity, gauge: await waitingGauge() }
          }
          await sleep(100)
        }
      } finally {
        server.signal("SIGCONT")
      }
    })
    expect(seenWaiting?.activity).toEqual([{ jobId: done.id, waitingOn: "NATS", waitingSince: expect.any(String) }])
    expect(seenWaiting?.gauge).toBe(1)
    expect(await waitingGauge()).toBe(0)
    expect(events).toContain("waiting")
    expect(events).toContain("resumed")
    expect(events.indexOf("waiting")).toBeLessThan(events.indexOf("resumed"))
    await expectLikeUndisturbed(done, k)
  })
})
