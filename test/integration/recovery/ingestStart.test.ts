import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Nats } from "../../../src/nats/Nats.ts"
import { generateInteractions } from "../../../src/seed/generate.ts"
import { isMissingInteraction } from "../../../src/seed/missing.ts"
import { startSim } from "../../../src/sim/server.ts"
import { InteractionStore } from "../../../src/store/InteractionStore.ts"
import { eventually, type TestDaemon } from "../../helpers/daemon.ts"
import { ingestDeadLetters, startSimDaemon } from "../../helpers/ingest.ts"

// Live ingestion of id events whose conversationStart is not the platform's to the millisecond:
// cut to the second, or the same instant in another offset.
const hour = 3_600_000
const nowHour = Math.floor(Date.now() / hour) * hour
const seed = { seed: 77, count: 300, from: new Date(nowHour - 48 * hour).toISOString(), to: new Date(nowHour - 2 * hour).toISOString() }
const missingShare = 0.25

/** The instant to the second, as `+02:00` local time: 10:11:12.345Z → 12:11:12+02:00. */
const inPlusTwo = (iso: string): string => {
  const local = new Date(Math.floor(Date.parse(iso) / 1_000) * 1_000 + 2 * hour).toISOString()
  return `${local.slice(0, 19)}+02:00`
}

describe("live ingestion: conversationStart tolerance (embedded store)", () => {
  let sim: Awaited<ReturnType<typeof startSim>>
  let daemon: TestDaemon
  let nats: Nats["Service"]

  const run = <A, E>(e: Effect.Effect<A, E, any>) => daemon.runPromise(e as Effect.Effect<A, E, never>)
  const missing = [...generateInteractions(seed)].filter((i) =>
    isMissingInteraction(i, seed.seed, missingShare) && i.mediaType !== "voice" && i.mediaType !== "callback" &&
    new Date(i.startTime).getUTCMilliseconds() > 0
  )
  const storeHas = (ids: ReadonlyArray<string>) => run(Effect.gen(function*() { return yield* (yield* InteractionStore).idsIn(ids) }))
  const publish = (body: unknown) => nats.js.publish(nats.names.ingestSubject, JSON.stringify(body))

  const deadLetters = () => ingestDeadLetters(nats)

  beforeAll(async () => {
    sim = await startSim({ ...seed, missingShare, clientId: "c", clientSecret: "s" })
    const started = await startSimDaemon(sim.url, { ...seed, missingShare }, { label: "ingest-start" })
    daemon = started.daemon
    nats = started.nats
  })

  afterAll(async () => {
    await daemon?.dispose()
    await sim?.stop()
  })

  it("finds the conversation from a start cut to the second, in UTC or in a +02:00 offset", { timeout: 90_000 }, async () => {
    const picked = missing.slice(0, 4)
    expect(picked.length).toBe(4)
    const seqs: Array<number> = []
    for (const [k, i] of picked.entries()) {
      // 2026-03-04T10:11:12.345Z → "2026-03-04T10:11:12Z", or "2026-03-04T12:11:12+02:00"
      const start = k % 2 === 0 ? `${i.startTime.slice(0, 19)}Z` : inPlusTwo(i.startTime)
      expect(Date.parse(start)).not.toBe(Date.parse(i.startTime))
      seqs.push((await publish({ conversationId: i.id, conversationStart: start })).seq)
    }
    const ids = picked.map((i) => i.id)
    // Either all are stored, or one is dead-lettered (not found: retried, then refused).
    await eventually(async () => {
      const dl = await deadLetters()
      return (await storeHas(ids)).length === ids.length || seqs.some((s) => dl.has(s)) ? true : undefined
    }, 60_000, "ingested or dead-lettered")
    const dl = await deadLetters()
    expect(seqs.map((s) => dl.get(s)).filter((r) => r !== undefined)).toEqual([])
    expect([...await storeHas(ids)].sort()).toEqual([...ids].sort())
  })

  it("a details answer cut short after the client's retries is tried again, not dead-lettered at once, and ingested once whole", { timeout: 90_000 }, async () => {
    const i = missing[4]!
    sim.resetStats()
    sim.configure({ truncateRate: 1, faultRoutes: ["conversations.query"] })
    let seq = 0
    try {
      seq = (await publish({ conversationId: i.id, conversationStart: i.startTime })).seq
      // The client's retries (maxRetries 5: 6 answers) all cut short: the first delivery has given up.
      await eventually(async () => (sim.stats().truncated >= 6 ? true : undefined), 30_000, "the first delivery's answers, all cut short")
      await new Promise((r) => setTimeout(r, 300))
    } finally {
      sim.configure({ truncateRate: 0, faultRoutes: undefined })
    }
    await eventually(async () => ((await storeHas([i.id])).length === 1 || (await deadLetters()).has(seq) ? true : undefined), 60_000, "ingested or dead-lettered")
    expect((await deadLetters()).get(seq)).toBeUndefined()
    expect(await storeHas([i.id])).toEqual([i.id])
  })

  it("refuses a conversation payload without conversationEnd as not ended", { timeout: 60_000 }, async () => {
    const start = new Date(nowHour - 3 * hour).toISOString()
    const seq = (await publish({
      conversationId: "still-going-on",
      conversation: {
        conversationId: "still-going-on",
        conversationStart: start,
        participants: [{ purpose: "customer", sessions: [{ mediaType: "chat" }] }]
      }
    })).seq
    const dl = await eventually(async () => {
      const d = await deadLetters()
      return d.has(seq) ? d : undefined
    }, 30_000, "dead letter")
    expect(dl.get(seq)).toBe("the conversation has not ended: it has no conversationEnd")
  })
})
