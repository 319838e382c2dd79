/**
 * Bad platform data against the simulator's fault injection, through a real daemon: required
 * fields missing, media types Genesys does not document, truncated JSON, a proxy's HTML error
 * pages, answers too slow to wait for. Each kind touches only its conversations, each with a
 * reason that says what was wrong: what the platform says wrongly of a conversation fails it;
 * no usable answer after the retries leaves it pending, asked for again by later runs whatever
 * their period. The run goes on and completes, and every other missing conversation is recovered.
 */
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import type { RecoveryRun } from "../../../src/domain/recovery.ts"
import { exampleModel, generateInteractions } from "../../../src/seed/generate.ts"
import { isMissingInteraction } from "../../../src/seed/missing.ts"
import { hasUndocumentedMedia, missingFieldOf } from "../../../src/sim/defects.ts"
import { DefaultFaults, type SimFaults, startSim } from "../../../src/sim/server.ts"
import { pendingFigures } from "../../../src/daemon/recovery/pendingMetrics.ts"
import { InteractionStore } from "../../../src/store/InteractionStore.ts"
import { ClickHouse } from "../../../src/store/ClickHouse.ts"
import { RecoveryStore } from "../../../src/store/RecoveryStore.ts"
import { toChTime } from "../../../src/store/sql.ts"
import { recoveryRunEnded, startSeededDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { uniquePrefix } from "../../helpers/nats.ts"
import { simPlatform } from "../../helpers/ingest.ts"

const seed = { seed: 61, count: 700, from: "2026-04-01T00:00:00Z", to: "2026-04-08T00:00:00Z" }
const missingShare = 0.25
const clean: SimFaults = { ...DefaultFaults, faultRoutes: undefined }

let sim: Awaited<ReturnType<typeof startSim>>
let daemon: TestDaemon
const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
const all = [...generateInteractions(seed)]
/** The missing text conversations of a day. */
const missingOn = (day: string) => all.filter((i) => i.startTime.startsWith(day) && isMissingInteraction(i, seed.seed, missingShare))
const storeHas = (ids: ReadonlyArray<string>) => run(Effect.gen(function*() { return yield* (yield* InteractionStore).idsIn(ids) }))
const pendingSummary = () => run(Effect.gen(function*() { return yield* (yield* RecoveryStore).pendingSummary() }))

/** A recovery run over one whole day, with the simulator's knobs set for it. */
const recoverDay = async (runId: string, day: string, faults: Partial<SimFaults>): Promise<RecoveryRun> => {
  sim.configure({ ...clean, ...faults })
  try {
    await run(publishCommand("recovery.run", { runId, from: `${day}T00:00:00.000Z`, to: `${new Date(Date.parse(day) + 86_400_000).toISOString()}` }))
    return await recoveryRunEnded(daemon, runId, 150_000)
  } finally {
    sim.configure(clean)
  }
}

beforeAll(async () => {
  sim = await startSim({ ...seed, missingShare, clientId: "c", clientSecret: "s" })
  daemon = await startSeededDaemon({
    ...testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("baddata") }),
    platform: simPlatform(sim.url, { rateLimitPerMinute: 60_000, timeoutMs: 400, maxRetries: 2 })
  }, { ...seed, missingShare }, exampleModel())
}, 120_000)

afterAll(async () => {
  await daemon?.dispose()
  await sim?.stop()
})

describe("bad platform data: a clear error per conversation, never the run", () => {
  it("required fields missing: the conversations without conversationStart, and those whose recording metadata has no media, fail naming the field", { timeout: 150_000 }, async () => {
    const missing = missingOn("2026-04-01")
    // Every conversation described badly: its id decides which field is missing.
    const rate = 1
    const noStart = missing.filter((i) => missingFieldOf(i.id, rate) === "conversationStart")
    const noMedia = missing.filter((i) => missingFieldOf(i.id, rate) === "media")
    expect(noStart.length).toBeGreaterThan(0)
    expect(noMedia.length).toBeGreaterThan(0)
    const r = await recoverDay("missing-fields", "2026-04-01", { missingFieldRate: rate })
    expect(r.status).toBe("Completed")
    expect(r.totals).toMatchObject({ missing: missing.length, failed: noStart.length + noMedia.length, recovered: missing.length - noStart.length - noMedia.length })
    expect(r.counts["unknown"]).toMatchObject({ failed: noStart.length })
    for (const i of noStart) expect(r.errors).toContain(`conversations.query: conversation ${i.id}: conversationStart: Missing key`)
    for (const i of noMedia) expect(r.errors).toContain(`${i.id}: recordingmetadata: unexpected response from the platform: [0].media: Missing key`)
  })

  it("media types Genesys does not document: those conversations fail under 'unknown' with the media type named", { timeout: 150_000 }, async () => {
    const missing = missingOn("2026-04-02")
    const rate = 0.5
    const odd = missing.filter((i) => hasUndocumentedMedia(i.id, rate))
    expect(odd.length).toBeGreaterThan(0)
    expect(odd.length).toBeLessThan(missing.length)
    const r = await recoverDay("unknown-media", "2026-04-02", { unknownMediaRate: rate })
    expect(r.status).toBe("Completed")
    expect(r.totals).toMatchObject({ missing: missing.length, failed: odd.length, recovered: missing.length - odd.length })
    expect(r.counts["unknown"]).toMatchObject({ missing: odd.length, failed: odd.length })
    for (const i of odd) {
      expect(r.errors).toContain(
        `conversations.query: conversation ${i.id}: its sessions' mediaType "hologram" is not one Genesys documents: its media type is unknown`
      )
    }
  })

  it("truncated JSON: recordings that always come cut short stay pending saying so, after the retries; a later run of another period recovers them", { timeout: 150_000 }, async () => {
    const missing = missingOn("2026-04-03")
    const cut = await recoverDay("truncated", "2026-04-03", { truncateRate: 1, faultRoutes: ["recording"] })
    expect(cut.status).toBe("Completed")
    expect(cut.totals).toMatchObject({ missing: missing.length, pending: missing.length, failed: 0, recovered: 0 })
    expect(cut.errors).toEqual([])
    expect(cut.pendingReasons).toHaveLength(missing.length)
    for (const e of cut.pendingReasons ?? []) {
      expect(e).toMatch(/^[\w-]+: recording: the platform answered 200 with a body that is not JSON \(cut short\?\): "\{.*" \(after 3 attempts\): a later run asks again$/)
    }
    // What the pending-list gauges report (rewind_recovery_pending_conversations, _oldest_seconds).
    const listed = pendingFigures(await pendingSummary(), Date.now())
    expect([...listed.byMedia.values()].reduce((a, b) => a + b, 0)).toBe(missing.length)
    expect(listed.oldestSeconds).toBeGreaterThan(0)
    // A run over a day without a conversation (as an automatic run's, once its watermark has
    // moved past them) asks for them again and recovers them all.
    const later = await recoverDay("truncated-later", "2026-05-01", {})
    expect(later).toMatchObject({ status: "Completed", retriedPending: missing.length })
    expect(later.totals).toMatchObject({ platform: 0, missing: 0, recovered: missing.length, pending: 0, failed: 0 })
    expect([...await storeHas(missing.map((i) => i.id))].sort()).toEqual(missing.map((i) => i.id).sort())
    expect(pendingFigures(await pendingSummary(), Date.now())).toEqual({ byMedia: new Map([["chat", 0], ["email", 0], ["message", 0]]), oldestSeconds: 0 })
  })

  it("a proxy's HTML error pages (502, text/html): retried, then those conversations stay pending describing the page", { timeout: 150_000 }, async () => {
    const missing = missingOn("2026-04-04")
    const r = await recoverDay("html", "2026-04-04", { htmlErrorRate: 1, faultRoutes: ["recordingmetadata"] })
    expect(r).toMatchObject({ status: "Completed", retriedPending: 0 })
    expect(r.totals).toMatchObject({ missing: missing.length, pending: missing.length, failed: 0, recovered: 0 })
    expect(r.pendingReasons).toHaveLength(missing.length)
    for (const e of r.pendingReasons ?? []) {
      expect(e).toMatch(
        /^[\w-]+: recordingmetadata: the platform at http:\/\/127\.0\.0\.1:\d+ answered 502 with an HTML page "502 Bad Gateway" \(not the platform's JSON: a proxy or gateway in between\?\) \(after 3 attempts\): a later run asks again$/
      )
    }
    expect(await storeHas(missing.map((i) => i.id))).toEqual([])
    // Still failing at the next run: still pending (asked again, counted once each).
    const again = await recoverDay("html-again", "2026-05-02", { htmlErrorRate: 1, faultRoutes: ["recordingmetadata"] })
    expect(again).toMatchObject({ status: "Completed", retriedPending: missing.length })
    expect(again.totals).toMatchObject({ missing: 0, pending: missing.length, failed: 0, recovered: 0 })
    // The same day again once the platform answers: recovered in the period itself, off the list.
    const clean = await recoverDay("html-clean", "2026-04-04", {})
    expect(clean).toMatchObject({ status: "Completed", retriedPending: 0 })
    expect(clean.totals).toMatchObject({ missing: missing.length, recovered: missing.length, pending: 0, failed: 0 })
  })

  it("no usable answer for 10 tries over 7 days: failed for good, saying so; fewer days: still pending", { timeout: 150_000 }, async () => {
    const missing = missingOn("2026-04-06")
    expect(missing.length).toBeGreaterThan(2)
    const faults = { htmlErrorRate: 1, faultRoutes: ["recordingmetadata"] } as const
    const first = await recoverDay("never", "2026-04-06", faults)
    expect(first.totals).toMatchObject({ missing: missing.length, pending: missing.length })
    // As if 8 more runs had asked (9 tries so far): the first conversation within a day, the others over 8 days.
    const listed = await run(Effect.gen(function*() { return yield* (yield* RecoveryStore).pending(10_000) }))
    const entries = listed.filter((p) => missing.some((i) => i.id === p.conversationId))
    expect(entries.length).toBe(missing.length)
    const [young, ...old] = entries
    for (let k = 0; k < 8; k++) {
      await run(Effect.gen(function*() {
        yield* (yield* RecoveryStore).markPending([{ conversationId: young!.conversationId, mediaType: young!.mediaType, conversation: young!.conversation }], "test")
      }))
    }
    await run(Effect.gen(function*() {
      const ch = yield* ClickHouse
      yield* Effect.promise(() => ch.client.insert({
        table: `${ch.database}.recovery_pending`,
        format: "JSONEachRow",
        values: old.map((p) => ({
          conversation_id: p.conversationId, media_type: p.mediaType, run_id: "test", conversation: p.conversation,
          first_seen: toChTime(Date.now() - 8 * 86_400_000), attempts: 9, resolved: 0, version: Date.now() * 1000
        }))
      }))
    }))
    const tenth = await recoverDay("never-10", "2026-05-04", faults)
    expect(tenth).toMatchObject({ status: "Completed", retriedPending: missing.length })
    expect(tenth.totals).toMatchObject({ missing: 0, pending: 1, failed: old.length, recovered: 0 })
    expect(tenth.pendingReasons?.[0]).toMatch(new RegExp(`^${young!.conversationId}: recordingmetadata: .* a later run asks again$`))
    for (const p of old) {
      expect(tenth.errors).toContainEqual(expect.stringMatching(new RegExp(
        `^${p.conversationId}: no usable answer from the platform in 10 tries over 8 days \\(the last: recordingmetadata: the platform at .* answered 502 with an HTML page .*\\): given up — a manual run of its period asks again$`
      )))
    }
    const left = await run(Effect.gen(function*() { return yield* (yield* RecoveryStore).pending(10_000) }))
    expect(left.filter((p) => missing.some((i) => i.id === p.conversationId)).map((p) => p.conversationId)).toEqual([young!.conversationId])
    // A manual run of the day once the platform answers recovers them all.
    const clean = await recoverDay("never-clean", "2026-04-06", {})
    expect(clean.totals).toMatchObject({ missing: missing.length, recovered: missing.length, pending: 0, failed: 0 })
  })

  it("answers too slow to wait for: retried, then those conversations stay pending saying how long was waited", { timeout: 150_000 }, async () => {
    const missing = missingOn("2026-04-05")
    const r = await recoverDay("slow", "2026-04-05", { stallRate: 1, stallMs: 1_500, faultRoutes: ["recording"] })
    expect(r.status).toBe("Completed")
    expect(r.totals).toMatchObject({ missing: missing.length, pending: missing.length, failed: 0, recovered: 0 })
    expect(r.pendingReasons).toHaveLength(missing.length)
    for (const e of r.pendingReasons ?? []) {
      expect(e).toMatch(/^[\w-]+: recording: the platform at http:\/\/127\.0\.0\.1:\d+ did not answer within 400 ms \(after 3 attempts\): a later run asks again$/)
    }
    // A clean rerun brings them all back: nothing was half-written.
    const again = await recoverDay("slow-again", "2026-04-05", {})
    expect(again.totals).toMatchObject({ missing: missing.length, recovered: missing.length, failed: 0, pending: 0 })
    expect([...await storeHas(missing.map((i) => i.id))].sort()).toEqual(missing.map((i) => i.id).sort())
  })
})
