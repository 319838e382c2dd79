import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { publishCommand } from "../../../src/client/natsClient.ts"
import { IngestPendingRun } from "../../../src/daemon/ingest/IngestConsumer.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { generateInteractions } from "../../../src/seed/generate.ts"
import { isMissingInteraction } from "../../../src/seed/missing.ts"
import { startSim } from "../../../src/sim/server.ts"
import { InteractionStore } from "../../../src/store/InteractionStore.ts"
import { RecoveryStore } from "../../../src/store/RecoveryStore.ts"
import { eventually, recoveryRunEnded, type TestDaemon } from "../../helpers/daemon.ts"
import { startSimDaemon } from "../../helpers/ingest.ts"

// Live ingestion of a conversation whose content the platform is still preparing (202) after the
// event's last delivery: handed to recovery's pending list, not dead-lettered, and recovered by
// the next recovery run whatever its period.
const seed = { seed: 91, count: 200, from: "2026-02-01T00:00:00Z", to: "2026-02-08T00:00:00Z" }
const missingShare = 0.25

describe("live ingestion: content still being prepared after the last try (embedded store)", () => {
  let sim: Awaited<ReturnType<typeof startSim>>
  let daemon: TestDaemon
  let nats: Nats["Service"]
  const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
  const storeHas = (ids: ReadonlyArray<string>) => run(Effect.gen(function*() { return yield* (yield* InteractionStore).idsIn(ids) }))
  const pending = () => run(Effect.gen(function*() { return yield* (yield* RecoveryStore).pending(1_000) }))
  const chat = [...generateInteractions(seed)].find((i) => isMissingInteraction(i, seed.seed, missingShare) && i.mediaType === "chat")!

  beforeAll(async () => {
    // Every fetch of a recording answers 202 until the test says otherwise.
    sim = await startSim({ ...seed, missingShare, clientId: "c", clientSecret: "s", notReady: 1_000 })
    const started = await startSimDaemon(sim.url, { ...seed, missingShare }, { label: "ingest-pending", platform: { maxRetries: 2 } })
    daemon = started.daemon
    nats = started.nats
  })

  afterAll(async () => {
    await daemon?.dispose()
    await sim?.stop()
  })

  it("is kept pending for recovery, not dead-lettered, and a later recovery run of another period recovers it", { timeout: 120_000 }, async () => {
    expect(chat).toBeDefined()
    await nats.js.publish(nats.names.ingestSubject, JSON.stringify({ conversationId: chat.id, conversationStart: chat.startTime }))
    // Five deliveries (1 + 2 + 4 + 8 s apart), then handed over.
    const kept = await eventually(async () => {
      const p = (await pending()).find((x) => x.conversationId === chat.id)
      return p === undefined ? undefined : p
    }, 60_000, "pending")
    expect(kept).toMatchObject({ conversationId: chat.id, mediaType: "chat", runId: IngestPendingRun })
    const dlq = await nats.jsm.streams.info(nats.names.dlqStream)
    expect(dlq.state.messages).toBe(0)
    expect(await storeHas([chat.id])).toEqual([])

    // Content ready now; a run over a period that does not hold the conversation still retries it.
    sim.configure({ notReady: 0 })
    await run(publishCommand("recovery.run", { runId: "after-ingest", from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z" }))
    const r = await recoveryRunEnded(daemon, "after-ingest", 60_000)
    expect(r).toMatchObject({ status: "Completed", retriedPending: 1 })
    expect(await storeHas([chat.id])).toEqual([chat.id])
    expect((await pending()).find((x) => x.conversationId === chat.id)).toBeUndefined()
  })
})
