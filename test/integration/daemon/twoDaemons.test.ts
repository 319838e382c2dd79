import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import type { Job } from "../../../src/domain/job.ts"
import { requestApi } from "../../../src/nats/Service.ts"
import { JobRepo } from "../../../src/repos/JobRepo.ts"
import { ModelRepo } from "../../../src/repos/ModelRepo.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { seedStore } from "../../../src/seed/seedStore.ts"
import { backends } from "../../helpers/clickhouse.ts"
import { eventually, startDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { uniquePrefix } from "../../helpers/nats.ts"

// Two daemons on one NATS and one store (embedded: one engine shared in this process; or the server).

describe.each(backends)("store on %s", (backend) => {
  const prefix = uniquePrefix()
  const dataDir = tempDataDir("two")
  const seed = { seed: 5, count: 500, from: "2026-01-01T00:00:00Z", to: "2026-01-08T00:00:00Z" }
  const model = exampleModel()
  let a: TestDaemon
  let b: TestDaemon

  const run = <A, E>(d: TestDaemon, e: Effect.Effect<A, E, any>) => d.runPromise(e as Effect.Effect<A, E, never>)

  beforeAll(async () => {
    a = await startDaemon(testSettings({ prefix, dataDir, backend, daemon: { pageSize: 10, instanceName: "a" } }))
    b = await startDaemon(testSettings({ prefix, dataDir, backend, daemon: { pageSize: 10, instanceName: "b" } }))
    await run(a, seedStore(seed))
    await run(a, Effect.gen(function*() { return yield* (yield* ModelRepo).push(model, "test") }))
  })

  afterAll(async () => {
    await a?.dispose()
    await b?.dispose()
  })

  describe("several daemons share one NATS and one store", () => {
    it("each job runs exactly once, on one daemon, and the two daemons run jobs side by side", async () => {
      const scope = { dateStart: seed.from, dateEnd: seed.to, programs: model.programs.map((p) => p.id), mediaTypes: ["voice", "chat", "email", "message", "callback"] }
      const owners = new Map<string, Set<string>>()
      // Watch who owns which job while they run.
      let watching = true
      const watcher = (async () => {
        while (watching) {
          const jobs = await run(a, Effect.gen(function*() { return yield* (yield* JobRepo).list() }))
          for (const j of jobs) if (j.owner) owners.set(j.id, (owners.get(j.id) ?? new Set()).add(j.owner))
          await new Promise((r) => setTimeout(r, 50))
        }
      })()
      await run(a, publishCommand("job.create", { ...scope, name: "one", jobId: "two-1" }))
      await run(b, publishCommand("job.create", { ...scope, name: "two", jobId: "two-2" }))
      const done = await Promise.all(["two-1", "two-2"].map((jobId) =>
        eventually(async () => {
          const j = await run(b, requestApi("job.get", { jobId }).pipe(Effect.option))
          return Option.isSome(j) && (j.value as Job).jobStatus === "Completed" ? j.value as Job : undefined
        }, 120_000, jobId)))
      watching = false
      await watcher
      for (const j of done) expect(j.processedInteractionsCount).toBe(j.totalInteractionsCount)
      // One owner per job, and the two jobs on different daemons (each runs one job at a time).
      expect(owners.get("two-1")?.size).toBe(1)
      expect(owners.get("two-2")?.size).toBe(1)
      expect([...owners.get("two-1")!][0]).not.toBe([...owners.get("two-2")!][0])
    })
  })
})
