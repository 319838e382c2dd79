import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import { Metrics } from "../../../src/daemon/Metrics.ts"
import { ModelRepo } from "../../../src/repos/ModelRepo.ts"
import { RecoveryRepo } from "../../../src/repos/RecoveryRepo.ts"
import { exampleModel, generateInteractions } from "../../../src/seed/generate.ts"
import { isMissingInteraction } from "../../../src/seed/missing.ts"
import { seedStore } from "../../../src/seed/seedStore.ts"
import { startSim } from "../../../src/sim/server.ts"
import { InteractionStore } from "../../../src/store/InteractionStore.ts"
import { backends } from "../../helpers/clickhouse.ts"
import { recoveryRunEnded, startDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { uniquePrefix } from "../../helpers/nats.ts"
import { simPlatform } from "../../helpers/ingest.ts"

// Two weeks of data; each test recovers its own days so they do not see each other's work.
const seed = { seed: 33, count: 800, from: "2026-02-01T00:00:00Z", to: "2026-02-15T00:00:00Z" }
const missingShare = 0.2
const model = exampleModel()

describe.each(backends)("store on %s", (backend) => {
  let sim: Awaited<ReturnType<typeof startSim>>
  let daemon: TestDaemon
  let malformed = false
  let unreadableId: string | undefined
  /** Conversations whose recordings the platform reports ARCHIVED. */
  let archived = new Set<string>()

  const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
  const waitRun = (runId: string) => recoveryRunEnded(daemon, runId, 150_000)

  const all = [...generateInteractions(seed)]
  const missingIn = (from: string, to: string) =>
    all.filter((i) => isMissingInteraction(i, seed.seed, missingShare) && i.startTime >= from && i.startTime < to)
  const storeHas = (ids: ReadonlyArray<string>) => run(Effect.gen(function*() { return yield* (yield* InteractionStore).idsIn(ids) }))

  beforeAll(async () => {
    sim = await startSim({
      ...seed,
      missingShare,
      clientId: "c",
      clientSecret: "s",
      mutateResponse: (route, body) => {
        if (malformed && route === "recordingmetadata" && Array.isArray(body)) return body.map((m) => ({ ...m, id: 42 }))
        if (route === "recordingmetadata" && Array.isArray(body)) {
          return body.map((m: { conversationId: string }) => (archived.has(m.conversationId) ? { ...m, fileState: "ARCHIVED" } : m))
        }
        if (unreadableId !== undefined && route === "conversations.query") {
          const b = structuredClone(body) as { conversations?: Array<{ conversationId: string; participants: Array<{ sessions: Array<Record<string, unknown>> }> }> }
          for (const c of b.conversations ?? []) {
            if (c.conversationId !== unreadableId) continue
            for (const p of c.participants) for (const session of p.sessions) delete session["mediaType"]
          }
          return b
        }
        return body
      }
    })
    daemon = await startDaemon({
      ...testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("recfaults"), backend }),
      platform: simPlatform(sim.url, { pageSize: 50, rateLimitPerMinute: 24_000, timeoutMs: 2_000, maxRetries: 8 })
    })
    await run(seedStore({ ...seed, missingShare }))
    await run(Effect.gen(function*() { return yield* (yield* ModelRepo).push(model, "test") }))
  }, 120_000)

  afterAll(async () => {
    await daemon?.dispose()
    await sim?.stop()
  })

  describe("recovery under platform faults", () => {
    it("429 storms, 5xx, slow answers and expired tokens: the same exact result", { timeout: 180_000 }, async () => {
      const from = "2026-02-01T00:00:00.000Z"
      const to = "2026-02-04T00:00:00.000Z"
      const expected = missingIn(from, to)
      expect(expected.length).toBeGreaterThan(10)
      // The platform allows 40 requests a second (1-second windows), the client would send 400.
      sim.configure({ errorRate: 0.15, rateLimit: 40, rateWindowSeconds: 1, latencyMs: 5, jitterMs: 5, tokenTtlSeconds: 1 })
      sim.resetStats()
      await run(publishCommand("recovery.run", { runId: "faulty", from, to }))
      sim.expireTokens()
      const r = await waitRun("faulty")
      sim.configure({ errorRate: 0, rateLimit: 0, rateWindowSeconds: 60, latencyMs: 0, jitterMs: 0, tokenTtlSeconds: 86_400 })
      expect(r.errorMessage).toBeUndefined()
      expect(r.totals).toMatchObject({ missing: expected.length, recovered: expected.length, failed: 0, pending: 0 })
      expect([...await storeHas(expected.map((i) => i.id))].sort()).toEqual(expected.map((i) => i.id).sort())
      const stats = sim.stats()
      expect(stats.errors + stats.throttled).toBeGreaterThan(0)
      // The client never came back before a Retry-After ran out.
      expect(stats.earlyAfterThrottle).toBe(0)
      // The 429s and the waits show in the metrics.
      const { registry } = await run(Effect.gen(function*() { return yield* Metrics }))
      const metrics = await registry.metrics()
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(metrics)?.[1] ?? Number.NaN)
      expect(value("rewind_platform_throttled_total")).toBe(stats.throttled)
      expect(value("rewind_platform_rate_wait_seconds_total")).toBeGreaterThan(0)
      expect(value("rewind_platform_rate_limit_per_minute")).toBe(24_000)
      expect(metrics).toMatch(/^rewind_platform_requests_total\{endpoint="recording"\} [1-9]/m)
    })

    it("content not ready (202) is pending, and the next run picks it up", { timeout: 120_000 }, async () => {
      const from = "2026-02-05T00:00:00.000Z"
      const to = "2026-02-07T00:00:00.000Z"
      const expected = missingIn(from, to)
      expect(expected.length).toBeGreaterThan(5)
      sim.configure({ notReady: 1 })
      await run(publishCommand("recovery.run", { runId: "not-ready-1", from, to }))
      const first = await waitRun("not-ready-1")
      expect(first.status).toBe("Completed")
      expect(first.totals).toMatchObject({ missing: expected.length, pending: expected.length, recovered: 0 })
      expect(await storeHas(expected.map((i) => i.id))).toEqual([])
      // A later run over ANOTHER period retries the pending ones.
      await run(publishCommand("recovery.run", { runId: "not-ready-2", from: "2026-02-10T00:00:00Z", to: "2026-02-10T01:00:00Z" }))
      const second = await waitRun("not-ready-2")
      expect(second.retriedPending).toBe(expected.length)
      // A conversation with several recordings meets a 202 once per recording: it may take a run more.
      let recovered = second.totals.recovered
      let pending = second.totals.pending
      for (let k = 3; pending > 0 && k < 6; k++) {
        await run(publishCommand("recovery.run", { runId: `not-ready-${k}`, from: "2026-02-10T00:00:00Z", to: "2026-02-10T01:00:00Z" }))
        const next = await waitRun(`not-ready-${k}`)
        recovered += next.totals.recovered
        pending = next.totals.pending
      }
      sim.configure({ notReady: 0 })
      expect(pending).toBe(0)
      expect(recovered).toBe(expected.length)
      expect([...await storeHas(expected.map((i) => i.id))].sort()).toEqual(expected.map((i) => i.id).sort())
    })

    it("archived recordings leave their conversations pending with the reason; a run after the restore recovers them", { timeout: 120_000 }, async () => {
      const from = "2026-02-11T00:00:00.000Z"
      const to = "2026-02-12T00:00:00.000Z"
      const expected = missingIn(from, to)
      expect(expected.length).toBeGreaterThan(3)
      archived = new Set(expected.map((i) => i.id))
      sim.resetStats()
      await run(publishCommand("recovery.run", { runId: "archived-1", from, to }))
      const first = await waitRun("archived-1")
      expect(first.status).toBe("Completed")
      expect(first.totals).toMatchObject({ missing: expected.length, pending: expected.length, recovered: 0, failed: 0 })
      expect(first.pendingReasons?.length).toBe(expected.length)
      expect(first.pendingReasons?.[0]).toMatch(/^[\w-]+: recording [\w-]+ is ARCHIVED: restore it in Genesys Cloud/)
      // Nothing was downloaded: the metadata said the content is not there.
      expect(sim.stats().byRoute["recording"] ?? 0).toBe(0)
      // Restored: a later run (over another period) retries them.
      archived = new Set()
      await run(publishCommand("recovery.run", { runId: "archived-2", from: "2026-02-13T00:00:00Z", to: "2026-02-13T01:00:00Z" }))
      const second = await waitRun("archived-2")
      expect(second.retriedPending).toBe(expected.length)
      expect([...await storeHas(expected.map((i) => i.id))].sort()).toEqual(expected.map((i) => i.id).sort())
    })

    it("malformed platform answers fail those conversations, naming the field, not the run; a clean rerun brings them back", { timeout: 120_000 }, async () => {
      const from = "2026-02-08T00:00:00.000Z"
      const to = "2026-02-09T00:00:00.000Z"
      const expected = missingIn(from, to)
      expect(expected.length).toBeGreaterThan(3)
      // One missing conversation no session of which says its media type; every recording metadata malformed.
      unreadableId = expected[0]!.id
      malformed = true
      expect(await storeHas(expected.map((i) => i.id))).toEqual([])
      await run(publishCommand("recovery.run", { runId: "broken", from, to }))
      const r = await waitRun("broken")
      malformed = false
      unreadableId = undefined
      expect(r.status).toBe("Completed")
      expect(r.errorMessage).toBeUndefined()
      expect(r.totals).toMatchObject({ missing: expected.length, recovered: 0, failed: expected.length, pending: 0 })
      expect(r.counts["unknown"]).toEqual({ platform: 1, store: 0, missing: 1, recovered: 0, pending: 0, failed: 1 })
      expect(r.errors).toContain(
      `conversations.query: conversation ${expected[0]!.id}: no session of the conversation says its mediaType: its media type is unknown`
      )
      expect(r.errors).toContain(`${expected[1]!.id}: recordingmetadata: unexpected response from the platform: [0].id: Expected string, got 42`)
      expect(r.errors.length).toBe(expected.length)
      // Nothing half-written: they are all still missing, and a clean rerun brings them all.
      expect(await storeHas(expected.map((i) => i.id))).toEqual([])
      await run(publishCommand("recovery.run", { runId: "fixed", from, to }))
      const fixed = await waitRun("fixed")
      expect(fixed.status).toBe("Completed")
      expect(fixed.totals).toMatchObject({ missing: expected.length, recovered: expected.length, failed: 0 })
      expect([...await storeHas(expected.map((i) => i.id))].sort()).toEqual(expected.map((i) => i.id).sort())
    })

    it("an automatic run advances the watermark only when it succeeds", { timeout: 120_000 }, async () => {
      // The automatic period ends at now − settle: the simulated data is long past, so there is nothing to find,
      // but the run succeeds and the watermark moves to the end of its period.
      await run(publishCommand("recovery.run", { runId: "auto-1" }))
      const r = await waitRun("auto-1")
      expect(r.status).toBe("Completed")
      expect(r.trigger).toBe("automatic")
      const mark = Option.getOrThrow(await run(Effect.gen(function*() { return yield* (yield* RecoveryRepo).watermark() })))
      expect(mark).toMatchObject({ at: r.to, runId: "auto-1" })
      // The next automatic run starts where the last one ended.
      await run(publishCommand("recovery.run", { runId: "auto-2" }))
      const r2 = await waitRun("auto-2").catch(() => undefined)
      if (r2 !== undefined) expect(r2.from).toBe(r.to)
    })
  })
})
