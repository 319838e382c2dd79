/**
 * A daemon killed (SIGKILL: no hand-back, no final write) in the middle of a recovery run: the
 * run stays Running under the dead owner until its heartbeat is older than the takeover window;
 * the restarted daemon then takes it over and finishes it, every missing conversation once.
 */
import { Effect, ManagedRuntime } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { generateInteractions } from "../../../src/seed/generate.ts"
import { isMissingInteraction } from "../../../src/seed/missing.ts"
import { startSim } from "../../../src/sim/server.ts"
import { InteractionStore } from "../../../src/store/InteractionStore.ts"
import { storeLayer } from "../../../src/store/layer.ts"
import { backends, clickhouseEnv, clickhouseSettings } from "../../helpers/clickhouse.ts"
import { tempDataDir, testDatabase } from "../../helpers/daemon.ts"
import { uniquePrefix } from "../../helpers/nats.ts"
import { daemonEnv, processes, root, until } from "../../helpers/processes.ts"
import { kvRecords } from "../../helpers/records.ts"
import { interactionCounts } from "../../helpers/store.ts"

const seed = { seed: 45, count: 2000, from: "2026-03-01T00:00:00Z", to: "2026-03-08T00:00:00Z" }
const missingShare = 0.3

describe.each(backends)("store on %s", (backend) => {
  const dataDir = tempDataDir("reckilled")
  const prefix = uniquePrefix()
  const database = testDatabase(backend, prefix)
  const { env, rewind, startDaemon, killAll } = processes()
  let sim: Awaited<ReturnType<typeof startSim>> | undefined
  const records = kvRecords(prefix)
  const getRun = records.run

  afterAll(async () => {
    killAll()
    await records.dispose()
    await sim?.stop()
  })

  describe("a daemon killed mid-recovery", () => {
    it("leaves the run Running; the restarted daemon takes it over after the takeover window and finishes it, none twice", { timeout: 240_000 }, async () => {
      sim = await startSim({ ...seed, missingShare, clientId: "c", clientSecret: "s", latencyMs: 40 })
      Object.assign(env, await daemonEnv(prefix, dataDir), clickhouseEnv(backend, database), {
        REWIND_RECOVERY_INTERVAL_MINUTES: "0",
        REWIND_TAKEOVER_AFTER_SECONDS: "3",
        PLATFORM_API_URL: sim.url,
        PLATFORM_CLIENT_ID: "c",
        PLATFORM_CLIENT_SECRET: "s",
        PLATFORM_PAGE_SIZE: "50",
      PLATFORM_RATE_LIMIT_PER_MINUTE: "60000"
      })
      const seeded = rewind("seed", "--seed", String(seed.seed), "--count", String(seed.count), "--from", seed.from, "--to", seed.to, "--missing-share", String(missingShare))
      expect(seeded.code, seeded.stderr).toBe(0)
      expect(rewind("topics", "push", `${root}/config/topics.example.yaml`).code).toBe(0)
      const all = [...generateInteractions(seed)]
      const missing = all.filter((i) => isMissingInteraction(i, seed.seed, missingShare))
      expect(missing.length).toBeGreaterThan(50)

      const d1 = startDaemon()
      const requested = rewind("recovery", "run", "--run-id", "killed", "--from", seed.from, "--to", seed.to)
      expect(requested.code, requested.stderr).toBe(0)
      const partway = await until(async () => {
        const r = await getRun("killed")
        return r && r.status === "Running" && r.totals.recovered > 0 ? r : undefined
      }, "some conversations recovered", 90_000)
      expect(partway.totals.recovered).toBeLessThan(missing.length)
      d1.child.kill("SIGKILL")
      expect(await d1.exited).toBeNull()

      // Nobody handed it back: still Running, under the dead daemon.
      const orphan = await getRun("killed")
      expect(orphan?.status).toBe("Running")
      expect(orphan?.owner).toBe(partway.owner)

      const d2 = startDaemon()
      const done = await until(async () => {
        const r = await getRun("killed")
        return r && (r.status === "Completed" || r.status === "Failed") ? r : undefined
      }, "run finished after restart", 150_000)
      expect(done.status, done.errorMessage).toBe("Completed")
      // The takeover reran the period: what was recovered before the kill is found in the store.
      expect(done.totals.missing).toBeLessThan(missing.length)
      expect(done.totals.recovered).toBe(done.totals.missing)
      expect(done.owner).toBeUndefined()
      expect(d2.lines.join("\n")).toContain("recovery run started")

      d2.child.kill("SIGTERM")
      expect(await d2.exited).toBe(0)

      // The store (opened here once the daemons are gone): every conversation once, the lost ones back.
      const store = ManagedRuntime.make(storeLayer(clickhouseSettings(backend, { dataDir, database })))
      try {
        const counts = await store.runPromise(interactionCounts)
        expect(counts).toEqual({ rows: all.length, unique: all.length })
        const present = await store.runPromise(Effect.gen(function*() {
          return yield* (yield* InteractionStore).idsIn(missing.map((i) => i.id))
        }))
        expect(new Set(present).size).toBe(missing.length)
      } finally {
        await store.dispose()
      }
    })
  })
})
