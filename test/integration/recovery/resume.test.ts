import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import type { RecoveryRun } from "../../../src/domain/recovery.ts"
import { requestApi } from "../../../src/nats/Service.ts"
import { ModelRepo } from "../../../src/repos/ModelRepo.ts"
import { exampleModel, generateInteractions } from "../../../src/seed/generate.ts"
import { isMissingInteraction } from "../../../src/seed/missing.ts"
import { seedStore } from "../../../src/seed/seedStore.ts"
import { startSim } from "../../../src/sim/server.ts"
import { backends } from "../../helpers/clickhouse.ts"
import { eventually, startDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { uniquePrefix } from "../../helpers/nats.ts"
import { interactionCounts } from "../../helpers/store.ts"
import { simPlatform } from "../../helpers/ingest.ts"

const seed = { seed: 44, count: 2000, from: "2026-03-01T00:00:00Z", to: "2026-03-08T00:00:00Z" }
const missingShare = 0.3

describe.each(backends)("store on %s", (backend) => {
  let sim: Awaited<ReturnType<typeof startSim>> | undefined
  let daemon: TestDaemon | undefined

  const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon!.runPromise(e as Effect.Effect<A, E, never>)
  const getRun = (runId: string) =>
    run(requestApi("recovery.get", { runId }).pipe(Effect.option)).then((o) => (o._tag === "Some" ? o.value as RecoveryRun : undefined))

  afterAll(async () => {
    await daemon?.dispose()
    await sim?.stop()
  })

  describe("a daemon stopped mid-recovery", () => {
    it("hands the run back; the next daemon finishes it with every conversation once", { timeout: 180_000 }, async () => {
      sim = await startSim({ ...seed, missingShare, clientId: "c", clientSecret: "s", latencyMs: 40 })
      const settings = {
        ...testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("recresume"), backend }),
        platform: simPlatform(sim.url, { pageSize: 50, rateLimitPerMinute: 60_000 })
      }
      const all = [...generateInteractions(seed)]
      const missing = all.filter((i) => isMissingInteraction(i, seed.seed, missingShare))
      daemon = await startDaemon(settings)
      await run(seedStore({ ...seed, missingShare }))
      await run(Effect.gen(function*() { return yield* (yield* ModelRepo).push(exampleModel(), "test") }))
      await run(publishCommand("recovery.run", { runId: "long", from: seed.from, to: seed.to }))
      await eventually(async () => {
        const r = await getRun("long")
        return r && r.status === "Running" && r.totals.recovered > 0 ? true : undefined
      }, 60_000, "some recovered")
      await daemon.dispose()
      daemon = undefined

      daemon = await startDaemon(settings)
      const done = await eventually(async () => {
        const r = await getRun("long")
        return r && (r.status === "Completed" || r.status === "Failed") ? r : undefined
      }, 120_000, "run finished after restart")
      expect(done.status).toBe("Completed")
      // The rerun found fewer missing (some were recovered before the stop) and brought the rest.
      expect(done.totals.missing).toBeLessThan(missing.length)
      expect(done.totals.recovered).toBe(done.totals.missing)
      const counts = await run(interactionCounts)
      expect(counts).toEqual({ rows: all.length, unique: all.length })
    })
  })
})
