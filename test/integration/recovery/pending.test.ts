/**
 * The pending list across runs, against the simulator over real HTTP and a real daemon:
 * - a missing conversation still open on the platform (no `conversationEnd` yet) when an
 *   automatic run covers its start is counted pending and kept; the watermark moves on, and a
 *   later automatic run (over a later period) recovers it once it has ended;
 * - a pending conversation that later fails for good (its recording DELETED) is counted failed
 *   once and taken off the list: later runs neither ask the platform for it nor count it again.
 */
import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import { RecoveryRepo } from "../../../src/repos/RecoveryRepo.ts"
import { exampleModel, generateInteractions } from "../../../src/seed/generate.ts"
import { isMissingInteraction } from "../../../src/seed/missing.ts"
import { isOpenConversation } from "../../../src/sim/analyticsData.ts"
import { startSim } from "../../../src/sim/server.ts"
import { InteractionStore } from "../../../src/store/InteractionStore.ts"
import { recoveryRunEnded, startSeededDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { uniquePrefix } from "../../helpers/nats.ts"
import { simPlatform } from "../../helpers/ingest.ts"

const seed = { seed: 61, count: 400, from: "2026-03-01T00:00:00Z", to: "2026-03-11T00:00:00Z" }
const missingShare = 0.3
const openShare = 0.25

describe("recovery's pending list across runs (rewind sim, real daemon, embedded store)", () => {
  let sim: Awaited<ReturnType<typeof startSim>>
  let daemon: TestDaemon
  /** Conversations whose recordings the platform reports ARCHIVED, or DELETED. */
  let archived = new Set<string>()
  let deleted = new Set<string>()
  /** The conversations whose recording metadata was asked for. */
  const metadataAsked: Array<string> = []

  const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
  const waitRun = (runId: string) => recoveryRunEnded(daemon, runId, 120_000)
  const storeHas = (ids: ReadonlyArray<string>) => run(Effect.gen(function*() { return yield* (yield* InteractionStore).idsIn(ids) }))
  const sorted = (ids: Iterable<string>) => [...ids].sort()

  const all = [...generateInteractions(seed)]
  const missing = all.filter((i) => isMissingInteraction(i, seed.seed, missingShare))

  beforeAll(async () => {
    sim = await startSim({
      ...seed,
      missingShare,
      clientId: "c",
      clientSecret: "s",
      observeRequest: (route, url) => {
        if (route === "recordingmetadata") metadataAsked.push(decodeURIComponent(url.pathname.split("/")[4]!))
      },
      mutateResponse: (route, body) =>
        route === "recordingmetadata" && Array.isArray(body)
          ? body.map((m: { conversationId: string }) =>
            archived.has(m.conversationId) ? { ...m, fileState: "ARCHIVED" } : deleted.has(m.conversationId) ? { ...m, fileState: "DELETED" } : m
          )
          : body
    })
    daemon = await startSeededDaemon(
      {
        ...testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("recpending") }),
        platform: simPlatform(sim.url, { maxRetries: 6 })
      },
      { ...seed, missingShare },
      exampleModel()
    )
  }, 120_000)

  afterAll(async () => {
    await daemon?.dispose()
    await sim?.stop()
  })

  it("a missing chat still open at the first automatic run is not lost: a later automatic run recovers it once it has ended", { timeout: 180_000 }, async () => {
    // The automatic runs have covered everything before 5 March: the next one covers [5 March, +31 days).
    const mark = "2026-03-05T00:00:00.000Z"
    await run(Effect.gen(function*() {
      yield* (yield* RecoveryRepo).advanceWatermark({ at: mark, runId: "earlier", updatedAt: new Date().toISOString() })
    }))
    const inPeriod = all.filter((i) => i.startTime >= mark)
    const lost = missing.filter((i) => i.startTime >= mark)
    const open = lost.filter((i) => isOpenConversation(i, openShare))
    const ended = lost.filter((i) => !isOpenConversation(i, openShare))
    expect(open.filter((i) => i.mediaType === "chat").length).toBeGreaterThan(0)
    expect(ended.length).toBeGreaterThan(10)

    // Long threads still going on: the platform lists them without conversationEnd.
    sim.configure({ openShare })
    await run(publishCommand("recovery.run", { runId: "auto-1" }))
    const first = await waitRun("auto-1")
    expect(first).toMatchObject({ status: "Completed", trigger: "automatic", from: mark })
    // Counted (platform, missing, pending — per media type), not skipped.
    expect(first.totals).toMatchObject({ platform: inPeriod.length, missing: lost.length, recovered: ended.length, pending: open.length, failed: 0 })
    for (const media of ["chat", "email", "message"]) {
      expect(first.counts[media]?.pending ?? 0).toBe(open.filter((i) => i.mediaType === media).length)
    }
    expect(sorted((first.pendingReasons ?? []).map((r) => r.split(":")[0]!))).toEqual(sorted(open.map((i) => i.id)))
    expect(first.pendingReasons?.[0]).toMatch(/is still open on the platform \(no conversationEnd yet\): a later run fetches it once it has ended$/)
    expect(sorted(await storeHas(lost.map((i) => i.id)))).toEqual(sorted(ended.map((i) => i.id)))
    // Nothing asked of the platform for the open ones but the query.
    expect(metadataAsked.filter((id) => open.some((i) => i.id === id))).toEqual([])
    // The watermark moved past their start.
    const moved = Option.getOrThrow(await run(Effect.gen(function*() { return yield* (yield* RecoveryRepo).watermark() })))
    expect(moved).toMatchObject({ at: first.to, runId: "auto-1" })

    // Still open at the next automatic run: looked up again (one query for them all), kept.
    sim.resetStats()
    await run(publishCommand("recovery.run", { runId: "auto-2" }))
    const second = await waitRun("auto-2")
    expect(second).toMatchObject({ status: "Completed", from: first.to, retriedPending: open.length })
    expect(second.totals).toMatchObject({ recovered: 0, pending: open.length, failed: 0 })
    expect(sim.stats().byRoute["recordingmetadata"] ?? 0).toBe(0)
    const secondQueries = sim.stats().byRoute["conversations.query"] ?? 0

    // They have ended: the next automatic run — its period far past their start — recovers them.
    sim.configure({ openShare: 0 })
    sim.resetStats()
    await run(publishCommand("recovery.run", { runId: "auto-3" }))
    const third = await waitRun("auto-3")
    expect(third).toMatchObject({ status: "Completed", from: second.to, retriedPending: open.length })
    expect(third.totals).toMatchObject({ recovered: open.length, pending: 0, failed: 0 })
    expect(sorted(await storeHas(lost.map((i) => i.id)))).toEqual(sorted(lost.map((i) => i.id)))
    // The minimum: the period's queries and one lookup, one metadata call per conversation, one content call per recording.
    const stats = sim.stats()
    expect(stats.byRoute["conversations.query"]).toBe(secondQueries)
    expect(stats.byRoute["recordingmetadata"]).toBe(open.length)
    expect(stats.byRoute["recording"]).toBe(open.reduce((n, i) => n + i.transcripts.length, 0))

    // Nothing left to retry.
    await run(publishCommand("recovery.run", { runId: "auto-4" }))
    expect((await waitRun("auto-4")).retriedPending).toBe(0)
  })

  it("a pending conversation whose recording is then DELETED is counted failed once and taken off the pending list", { timeout: 180_000 }, async () => {
    const from = "2026-03-01T00:00:00.000Z"
    const to = "2026-03-02T00:00:00.000Z"
    const expected = missing.filter((i) => i.startTime >= from && i.startTime < to)
    expect(expected.length).toBeGreaterThan(3)
    const gone = expected.slice(0, 2).map((i) => i.id)
    sim.configure({ openShare: 0 })
    archived = new Set(gone)
    await run(publishCommand("recovery.run", { runId: "gone-1", from, to }))
    const first = await waitRun("gone-1")
    expect(first.totals).toMatchObject({ missing: expected.length, recovered: expected.length - gone.length, pending: gone.length, failed: 0 })

    // Deleted on the platform meanwhile: the next run (over another period) fails them, with the reason.
    archived = new Set()
    deleted = new Set(gone)
    const other = { from: "2026-03-03T00:00:00.000Z", to: "2026-03-03T01:00:00.000Z" }
    await run(publishCommand("recovery.run", { runId: "gone-2", ...other }))
    const second = await waitRun("gone-2")
    expect(second.retriedPending).toBe(gone.length)
    expect(second.totals).toMatchObject({ recovered: 0, pending: 0, failed: gone.length })
    expect(sorted(second.errors.map((e) => e.split(":")[0]!))).toEqual(sorted(gone))
    expect(second.errors[0]).toMatch(/: recording [\w-]+ is DELETED: its content is gone from the platform$/)

    // And only once: the run after neither asks the platform for them nor counts them.
    metadataAsked.length = 0
    await run(publishCommand("recovery.run", { runId: "gone-3", ...other }))
    const third = await waitRun("gone-3")
    expect(third.retriedPending).toBe(0)
    expect(third.totals).toMatchObject({ recovered: 0, pending: 0, failed: 0 })
    expect(metadataAsked.filter((id) => gone.includes(id))).toEqual([])
    deleted = new Set()
  })
})
