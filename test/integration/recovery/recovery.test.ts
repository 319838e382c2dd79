import { Effect, Redacted } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import type { RecoveryRun } from "../../../src/domain/recovery.ts"
import { scopeTopicIds } from "../../../src/domain/topicModel.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { requestApi } from "../../../src/nats/Service.ts"
import type { PlatformSettings } from "../../../src/platform/PlatformConfig.ts"
import { ModelRepo } from "../../../src/repos/ModelRepo.ts"
import { exampleModel, generateInteractions } from "../../../src/seed/generate.ts"
import { isMissingInteraction } from "../../../src/seed/missing.ts"
import { seedStore } from "../../../src/seed/seedStore.ts"
import { startSim } from "../../../src/sim/server.ts"
import { InteractionStore } from "../../../src/store/InteractionStore.ts"
import { backends } from "../../helpers/clickhouse.ts"
import { eventually, recoveryRunEnded, startDaemon, type TestDaemon, tempDataDir, testSettings } from "../../helpers/daemon.ts"
import { uniquePrefix } from "../../helpers/nats.ts"
import { interactionCounts } from "../../helpers/store.ts"
import { refTopics } from "../../unit/topics/reference.ts"

const seed = { seed: 21, count: 700, from: "2026-01-05T00:00:00Z", to: "2026-01-12T00:00:00Z" }
const missingShare = 0.15
const model = exampleModel()

describe.each(backends)("store on %s", (backend) => {
  let sim: Awaited<ReturnType<typeof startSim>>
  let daemon: TestDaemon

  const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
  const waitRun = (runId: string) => recoveryRunEnded(daemon, runId, 120_000)

  const all = [...generateInteractions(seed)]
  const inWeek = (from: string, to: string) => all.filter((i) => i.startTime >= new Date(from).toISOString() && i.startTime < new Date(to).toISOString())
  const missing = all.filter((i) => isMissingInteraction(i, seed.seed, missingShare))

  beforeAll(async () => {
    sim = await startSim({ ...seed, missingShare, clientId: "rewind-test", clientSecret: "s3cret" })
    const platform: PlatformSettings = {
      apiUrl: sim.url,
      loginUrl: sim.url,
      clientId: "rewind-test",
      clientSecret: Redacted.make("s3cret"),
      pageSize: 100,
      rateLimitPerMinute: 30_000,
      timeoutMs: 10_000,
      maxRetries: 6,
      pagingLimit: 100_000
    }
    daemon = await startDaemon({ ...testSettings({ prefix: uniquePrefix(), dataDir: tempDataDir("recovery"), backend }), platform })
    await run(seedStore({ ...seed, missingShare }))
    await run(Effect.gen(function*() { return yield* (yield* ModelRepo).push(model, "test") }))
  })

  afterAll(async () => {
    await daemon?.dispose()
    await sim?.stop()
  })

  describe("digital interaction recovery against the simulator (real HTTP)", () => {
    it("brings back exactly the missing text conversations, with their transcripts and topics; voice untouched", async () => {
      expect(missing.length).toBeGreaterThan(20)
      expect(missing.every((i) => i.mediaType !== "voice" && i.mediaType !== "callback")).toBe(true)
      await run(publishCommand("recovery.run", { runId: "week-1", from: seed.from, to: seed.to, requestedBy: "test" }))
      const r = await waitRun("week-1")
      expect(r.errorMessage).toBeUndefined()
      expect(r.status).toBe("Completed")
      expect(r.totals.platform).toBe(all.length)
      expect(r.totals.missing).toBe(missing.length)
      expect(r.totals.recovered).toBe(missing.length)
      expect(r.totals.failed + r.totals.pending).toBe(0)
      for (const media of ["chat", "email", "message"]) {
        expect(r.counts[media]?.recovered ?? 0).toBe(missing.filter((i) => i.mediaType === media).length)
      }
      expect(r.counts["voice"]?.missing ?? 0).toBe(0)

      // The store now holds every generated interaction of the week, once.
      const ids = await run(Effect.gen(function*() { return yield* (yield* InteractionStore).idsInPeriod(seed.from, seed.to) }))
      expect([...ids].sort()).toEqual(inWeek(seed.from, seed.to).map((i) => i.id).sort())

      // Transcripts are the platform's (= the generator's), block by block; topics as live ingestion would detect them.
      const recovered = missing.slice(0, 25)
      const metas = recovered.map((i) => ({ ...i, programIds: [] }))
      const blocks = await run(Effect.gen(function*() { return yield* (yield* InteractionStore).loadBlocks(metas) }))
      const expectedBlocks = recovered.flatMap((i) => i.transcripts.flatMap((t) => t.blocks.map((b, blockIndex) => ({ interactionId: i.id, transcriptId: t.id, blockIndex, participant: b.participant, text: b.text }))))
        .sort((a, b) => (a.interactionId + a.transcriptId).localeCompare(b.interactionId + b.transcriptId) || a.blockIndex - b.blockIndex)
      expect(blocks.map((b) => ({ interactionId: b.interactionId, transcriptId: b.transcriptId, blockIndex: b.blockIndex, participant: b.participant, text: b.text })))
        .toEqual(expectedBlocks)
      const topics = await run(Effect.gen(function*() { return yield* (yield* InteractionStore).currentTopics(recovered.map((i) => i.id)) }))
      const expectedTopics = recovered.flatMap((i) => {
        const scope = scopeTopicIds(model, model.programs.filter((p) => p.queues.includes(i.queueId)).map((p) => p.id))
        return i.transcripts.flatMap((t) => t.blocks.flatMap((b, blockIndex) => [...refTopics(model, b, scope)].map((topicId) => `${i.id}/${t.id}/${blockIndex}/${topicId}`)))
      }).sort()
      expect(topics.map((t) => `${t.interactionId}/${t.transcriptId}/${t.blockIndex}/${t.topicId}`).sort()).toEqual(expectedTopics)
      expect(expectedTopics.length).toBeGreaterThan(0)

      // Platform calls: result pages + one metadata call per missing conversation + one content
      // call per recording (a conversation with several communications has several) + the token.
      const pages = Math.ceil(all.length / 100)
      const recordings = missing.reduce((n, i) => n + i.transcripts.length, 0)
      const minimum = 1 + pages + missing.length + recordings
      expect(r.platformCalls).toBeGreaterThanOrEqual(minimum)
      expect(r.platformCalls).toBeLessThanOrEqual(Math.ceil(minimum * 1.05) + 1)
    })

    it("running the same period again finds nothing missing and duplicates nothing", async () => {
      await run(publishCommand("recovery.run", { runId: "week-2", from: seed.from, to: seed.to }))
      const r = await waitRun("week-2")
      expect(r.status).toBe("Completed")
      expect(r.totals).toMatchObject({ platform: all.length, store: all.length, missing: 0, recovered: 0 })
      const counts = await run(interactionCounts)
      expect(counts).toEqual({ rows: all.length, unique: all.length })
    })

    it("lists runs; refuses voice, inverted periods, and unknown runs", async () => {
      const list = await run(requestApi("recovery.list", {})) as { runs: Array<RecoveryRun> }
      expect(list.runs.map((x) => x.id)).toEqual(["week-1", "week-2"])
      const nats = await run(Effect.gen(function*() { return yield* Nats }))
      const rejected: Array<{ reason: string; field?: string; commandId?: string }> = []
      const sub = nats.nc.subscribe(nats.names.evt("command.rejected"), { callback: (_e, m) => void rejected.push(m.json()) })
      await run(publishCommand("recovery.run", { commandId: "voice", from: seed.from, to: seed.to, mediaTypes: ["voice"] }))
      await run(publishCommand("recovery.run", { commandId: "inverted", from: seed.to, to: seed.from }))
      await eventually(async () => (rejected.length >= 2 ? true : undefined), 30_000, "two rejections")
      sub.unsubscribe()
      expect(rejected.find((r) => r.commandId === "voice")?.reason).toContain("text conversations only")
      expect(rejected.find((r) => r.commandId === "inverted")?.reason).toContain("must be before")
      const e = await run(requestApi("recovery.get", { runId: "nope" }).pipe(Effect.flip)) as { code: number }
      expect(e.code).toBe(404)
    })
  })
})
