/**
 * Recovery against the simulator in strict mode — Genesys where it is least convenient: text
 * transcripts inline only when asked for as NONE, 300 requests a minute, conversations selected
 * by the day they started and their activity, optional fields left out — with the platform settings a user gets by
 * default (only URL and credentials given): exactly the missing conversations come back, with
 * their full content, within the platform's limit.
 */
import { ConfigProvider, Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import { PlatformSettingsConfig } from "../../../src/platform/PlatformConfig.ts"
import { exampleModel, generateInteractions } from "../../../src/seed/generate.ts"
import { isMissingInteraction } from "../../../src/seed/missing.ts"
import { startSim } from "../../../src/sim/server.ts"
import { InteractionStore } from "../../../src/store/InteractionStore.ts"
import { recoveryRunEnded, startSeededDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { uniquePrefix } from "../../helpers/nats.ts"

const seed = { seed: 51, count: 240, from: "2026-03-01T00:00:00Z", to: "2026-03-04T00:00:00Z" }
const missingShare = 0.15
/** Not aligned to days: the platform adds what started earlier those days and was still active, the run keeps its period. */
const period = { from: "2026-03-01T06:00:00.000Z", to: "2026-03-02T18:00:00.000Z" }
let sim: Awaited<ReturnType<typeof startSim>>
let daemon: TestDaemon

const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
const waitRun = (runId: string) => recoveryRunEnded(daemon, runId, 120_000)

const all = [...generateInteractions(seed)]
const inPeriod = all.filter((i) => i.startTime >= period.from && i.startTime < period.to)
const missing = inPeriod.filter((i) => isMissingInteraction(i, seed.seed, missingShare))

beforeAll(async () => {
  sim = await startSim({ ...seed, missingShare, strict: true, clientId: "rewind-strict", clientSecret: "s3cret" })
  const platform = await Effect.runPromise(PlatformSettingsConfig.parse(ConfigProvider.fromEnv({
    env: { PLATFORM_API_URL: sim.url, PLATFORM_CLIENT_ID: "rewind-strict", PLATFORM_CLIENT_SECRET: "s3cret" }
  })))
  daemon = await startSeededDaemon({ ...testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("strict") }), platform }, { ...seed, missingShare }, exampleModel())
}, 120_000)

afterAll(async () => {
  await daemon?.dispose()
  await sim?.stop()
})

describe("recovery against the strict simulator, with the default platform settings", () => {
  it("brings back exactly the missing conversations, with their full content, within 300 requests a minute", { timeout: 150_000 }, async () => {
    expect(sim.info.strict).toBe(true)
    expect(sim.faults().rateLimit).toBe(300)
    expect(missing.length).toBeGreaterThan(5)
    expect(missing.some((i) => i.mediaType === "email" && i.transcripts.length > 1)).toBe(true)
    sim.resetStats()
    await run(publishCommand("recovery.run", { runId: "strict-1", from: period.from, to: period.to }))
    const r = await waitRun("strict-1")
    expect(r.errorMessage).toBeUndefined()
    expect(r.errors).toEqual([])
    expect(r.status).toBe("Completed")
    expect(r.totals).toMatchObject({ platform: inPeriod.length, missing: missing.length, recovered: missing.length, pending: 0, failed: 0 })

    // The store now holds every conversation of the period, once.
    const ids = await run(Effect.gen(function*() { return yield* (yield* InteractionStore).idsInPeriod(period.from, period.to) }))
    expect([...ids].sort()).toEqual(inPeriod.map((i) => i.id).sort())
    // Each recovered one with its full content: every transcript, every block (participant, offset, text).
    const blocks = await run(Effect.gen(function*() {
      return yield* (yield* InteractionStore).loadBlocks(missing.map((i) => ({ ...i, programIds: [] })))
    }))
    const key = (b: { interactionId: string; transcriptId: string; blockIndex: number }) => `${b.interactionId}/${b.transcriptId}/${String(b.blockIndex).padStart(4, "0")}`
    const expected = missing.flatMap((i) =>
      i.transcripts.flatMap((t) => t.blocks.map((b, blockIndex) => ({ interactionId: i.id, transcriptId: t.id, blockIndex, participant: b.participant, offsetMs: b.offsetMs, text: b.text })))
    ).sort((a, b) => key(a).localeCompare(key(b)))
    expect(blocks.map((b) => ({ interactionId: b.interactionId, transcriptId: b.transcriptId, blockIndex: b.blockIndex, participant: b.participant, offsetMs: b.offsetMs, text: b.text }))
      .sort((a, b) => key(a).localeCompare(key(b)))).toEqual(expected)

    // Within the platform's limit, never throttled; no call beyond the minimum (the pages of what the interval selects,
    // one metadata call per missing conversation, one content call per recording, the token).
    const stats = sim.stats()
    expect(stats.throttled).toBe(0)
    expect(stats.maxPerMinute).toBeLessThanOrEqual(300)
    const selected = sim.data.selectedBy(Date.parse(period.from), Date.parse(period.to)).length
    const minimum = 1 + Math.ceil(selected / 100) + missing.length + missing.reduce((n, i) => n + i.transcripts.length, 0)
    expect(r.platformCalls).toBe(minimum)
  })
})
