import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { jsonKv } from "../../../src/nats/JsonKv.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { IngestWatermark } from "../../../src/domain/recovery.ts"
import { generateInteractions } from "../../../src/seed/generate.ts"
import { isMissingInteraction } from "../../../src/seed/missing.ts"
import { startSim } from "../../../src/sim/server.ts"
import { InteractionStore } from "../../../src/store/InteractionStore.ts"
import { backends } from "../../helpers/clickhouse.ts"
import { eventually, type TestDaemon } from "../../helpers/daemon.ts"
import { ingestDeadLetters, startSimDaemon } from "../../helpers/ingest.ts"

// Recent conversations (live ingestion looks an id-only event up over the last 7 days).
const hour = 3_600_000
const nowHour = Math.floor(Date.now() / hour) * hour
const seed = { seed: 55, count: 400, from: new Date(nowHour - 72 * hour).toISOString(), to: new Date(nowHour - 2 * hour).toISOString() }
const missingShare = 0.25

describe.each(backends)("store on %s", (backend) => {
  let sim: Awaited<ReturnType<typeof startSim>>
  let daemon: TestDaemon
  let nats: Nats["Service"]

  const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
  const all = [...generateInteractions(seed)]
  const missing = all.filter((i) => isMissingInteraction(i, seed.seed, missingShare))
  const storeHas = (ids: ReadonlyArray<string>) => run(Effect.gen(function*() { return yield* (yield* InteractionStore).idsIn(ids) }))
  const publish = (body: unknown) =>
    nats.js.publish(nats.names.ingestSubject, typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body))

  const deadLetters = () => ingestDeadLetters(nats)

  beforeAll(async () => {
    sim = await startSim({ ...seed, missingShare, clientId: "c", clientSecret: "s" })
    const started = await startSimDaemon(sim.url, { ...seed, missingShare }, { label: "ingest", backend })
    daemon = started.daemon
    nats = started.nats
  })

  afterAll(async () => {
    await daemon?.dispose()
    await sim?.stop()
  })

  describe("live ingestion", () => {
    it("ingests completed conversations from id-only events through the same stage, once, and advances its watermark", { timeout: 120_000 }, async () => {
      const picked = missing.slice(0, 6)
      expect(picked.length).toBe(6)
      for (const [k, i] of picked.entries()) {
      // Half with their start (one narrow query), half with the id alone (a look-back query).
        await publish(k % 2 === 0 ? { conversationId: i.id, conversationStart: i.startTime } : { conversationId: i.id })
      }
      // The same event twice: still one copy.
      await publish({ conversationId: picked[0]!.id, conversationStart: picked[0]!.startTime })
      await eventually(async () => ((await storeHas(picked.map((i) => i.id))).length === picked.length ? true : undefined), 60_000, "ingested")
      const rows = await run(Effect.gen(function*() { return yield* (yield* InteractionStore).loadBlocks(picked.map((i) => ({ ...i, programIds: [] }))) }))
      expect(rows.length).toBe(picked.reduce((n, i) => n + i.transcripts.reduce((m, t) => m + t.blocks.length, 0), 0))
      // Each event is acknowledged after its watermark is advanced: once none is left, the mark is final.
      await eventually(async () => {
        const info = await nats.jsm.consumers.info(nats.names.ingestStream, nats.names.ingestConsumer)
        return info.num_pending + info.num_ack_pending === 0 ? true : undefined
      }, 30_000, "every event acknowledged")
      const marks = await run(jsonKv(nats.names.recoveryBucket, IngestWatermark))
      const mark = Option.getOrThrow(await run(marks.get("ingest-watermark")))
      expect(mark.value.at).toBe([...picked].map((i) => new Date(i.endTime).toISOString()).sort().at(-1))
    })

    it("bad events go to the dead-letter stream at once; an unknown conversation after its retries", { timeout: 120_000 }, async () => {
      const malformed = (await publish("{nope")).seq
      const noId = (await publish({ conversationStart: seed.from })).seq
      const unknown = (await publish({ conversationId: "no-such-conversation", conversationStart: seed.from })).seq
      // an id with the bytes C3 28 (not UTF-8): refused as it is, not looked up as "\uFFFD("
      const notUtf8 = (await publish(Uint8Array.from([...new TextEncoder().encode("{\"conversationId\":\"c-"), 0xc3, 0x28, 0x22, 0x7d]))).seq
      const dl = await eventually(async () => {
        const d = await deadLetters()
        return d.has(malformed) && d.has(noId) && d.has(unknown) && d.has(notUtf8) ? d : undefined
      }, 100_000, "four dead letters")
      expect(dl.get(malformed)).toMatch(/^malformed JSON/)
      expect(dl.get(notUtf8)).toBe("malformed JSON: invalid UTF-8 at byte 21 (0xc3)")
      expect(dl.get(noId)).toContain("conversationId")
      expect(dl.get(unknown)).toContain("not ingested after 5 attempts: conversation no-such-conversation not found on the platform")
      const info = await nats.jsm.consumers.info(nats.names.ingestStream, nats.names.ingestConsumer)
      expect(info.num_pending + info.num_ack_pending).toBe(0)
    })
  })
})
