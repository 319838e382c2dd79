/**
 * Paging the details query against the simulator: exactly the generated conversations of the
 * period, the day-touch filter, interval splitting past the paging limit, retries of 5xx and
 * timeouts.
 */
import { Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Interaction } from "../../../src/domain/interaction.ts"
import { isUnreadable, type ListedConversation, type PlatformConversation } from "../../../src/platform/convert.ts"
import { expectedIn, raw, type Sim, sim, withClient } from "./helpers.ts"

const week = { from: "2026-01-08T00:00:00.000Z", to: "2026-01-15T00:00:00.000Z" }

/** What the store keeps of an interaction that the client can know from the details query. */
const metaOf = (i: Interaction) => ({
  id: i.id,
  startTime: i.startTime,
  endTime: i.endTime,
  mediaType: i.mediaType,
  direction: i.direction,
  queueId: i.queueId,
  divisionId: i.divisionId,
  agentIds: i.agentIds,
  language: i.language
})

/** The conversations, all readable (fails the test on an unreadable one). */
const readable = (listed: ReadonlyArray<ListedConversation>): ReadonlyArray<PlatformConversation> =>
  listed.map((c) => {
    if (isUnreadable(c)) throw new Error(`unreadable: ${c.reason}`)
    return c
  })

const metaOfConversation = (c: PlatformConversation) => ({
  id: c.id,
  startTime: c.startTime,
  endTime: c.endTime,
  mediaType: c.mediaType,
  direction: c.direction,
  queueId: c.queueId,
  divisionId: c.divisionId,
  agentIds: c.agentIds,
  language: c.language
})

describe("PlatformClient.conversations ↔ rewind sim", () => {
  let s: Sim
  beforeAll(async () => {
    s = await sim()
  })
  afterAll(() => s.stop())

  it("pages a week: exactly the generated conversations that start in it, in order, with their metadata", async () => {
    const expected = expectedIn(week.from, week.to)
    expect(expected.length).toBeGreaterThan(500)
    const { result, calls } = await withClient(s, (c) => Stream.runCollect(c.conversations(week.from, week.to)))
    expect(result.map((c) => c.id)).toEqual(expected.map((i) => i.id))
    expect(readable(result).map(metaOfConversation)).toEqual(expected.map(metaOf))
    // The minimum: one request per page of what the platform returns (touching conversations included).
    const touching = s.data.touching(Date.parse(week.from), Date.parse(week.to)).length
    expect(calls.byEndpoint["conversations.query"]).toBe(Math.ceil(touching / 100))
    expect(calls.byEndpoint["token"]).toBe(1)
    expect(calls.retries).toBe(0)
  })

  it("keeps only the conversations that start in the period (the platform returns those that touch it)", async () => {
    const day = { from: "2026-01-20T00:00:00.000Z", to: "2026-01-21T00:00:00.000Z" }
    // The platform's answer: conversations touching the day, some of them started before it.
    const answer = await raw(s, "POST", "/api/v2/analytics/conversations/details/query", {
      interval: `${day.from}/${day.to}`,
      order: "asc",
      orderBy: "conversationStart",
      paging: { pageSize: 100, pageNumber: 1 }
    })
    expect(answer.status).toBe(200)
    const body = answer.body as { conversations: Array<{ conversationStart: string; conversationEnd: string }>; totalHits: number }
    const before = body.conversations.filter((c) => c.conversationStart < day.from)
    expect(before.length).toBeGreaterThan(0)
    for (const c of before) expect(c.conversationEnd >= day.from).toBe(true)

    const { result } = await withClient(s, (c) => Stream.runCollect(c.conversations(day.from, day.to)))
    expect(result.map((c) => c.id)).toEqual(expectedIn(day.from, day.to).map((i) => i.id))
    expect(body.totalHits).toBeGreaterThan(result.length)
    for (const c of readable(result)) {
      expect(c.startTime >= day.from && c.startTime < day.to).toBe(true)
    }
  })

  it("filters media types on the platform (segment filter) and checks them", async () => {
    const { result, calls } = await withClient(
      s,
      (c) => Stream.runCollect(c.conversations(week.from, week.to, { mediaTypes: ["chat", "email", "message"] }))
    )
    const expected = expectedIn(week.from, week.to).filter((i) => ["chat", "email", "message"].includes(i.mediaType))
    expect(result.map((c) => c.id)).toEqual(expected.map((i) => i.id))
    const touchingText = s.data.touching(Date.parse(week.from), Date.parse(week.to))
      .filter((c) => ["chat", "email", "message"].includes(c.mediaType)).length
    expect(calls.byEndpoint["conversations.query"]).toBe(Math.ceil(touchingText / 100))
  })

  it("an empty period gives nothing (one request)", async () => {
    const { result, calls } = await withClient(s, (c) => Stream.runCollect(c.conversations("2025-06-01T00:00:00Z", "2025-06-02T00:00:00Z")))
    expect(result).toEqual([])
    expect(calls.byEndpoint["conversations.query"]).toBe(1)
  })
})

describe("interval splitting past the paging limit", () => {
  let s: Sim
  beforeAll(async () => {
    s = await sim({ pagingLimit: 400 })
  })
  afterAll(() => s.stop())

  it("splits the interval when totalHits exceeds the limit, and still returns each conversation once", async () => {
    const month = { from: "2026-01-01T00:00:00.000Z", to: "2026-02-01T00:00:00.000Z" }
    const expected = expectedIn(month.from, month.to)
    expect(expected.length).toBe(3_000)
    s.resetStats()
    const { result, calls } = await withClient(
      s,
      (c) => Stream.runCollect(c.conversations(month.from, month.to)),
      { pagingLimit: 400, pageSize: 50 }
    )
    expect(result.map((c) => c.id)).toEqual(expected.map((i) => i.id))
    // Proactive: no query was refused.
    expect(s.stats().byStatus["400"]).toBeUndefined()
    const pages = calls.byEndpoint["conversations.query"]!
    expect(pages).toBeGreaterThan(3_000 / 50)
    // Wasted probes stay few: within 25 % of the pages that carry results.
    expect(pages).toBeLessThan((3_000 / 50) * 1.25 + 20)
  })

  it("also recovers when the platform's limit is lower than configured (400 → split)", async () => {
    const span = { from: "2026-01-05T00:00:00.000Z", to: "2026-01-25T00:00:00.000Z" }
    s.resetStats()
    const { result } = await withClient(
      s,
      (c) => Stream.runCollect(c.conversations(span.from, span.to)),
      { pagingLimit: 100_000, pageSize: 100 }
    )
    expect(result.map((c) => c.id)).toEqual(expectedIn(span.from, span.to).map((i) => i.id))
    expect(s.stats().byStatus["400"]).toBeGreaterThan(0)
  })
})

describe("transient faults", () => {
  it("retries 5xx answers with backoff and still returns exactly the period", async () => {
    const s = await sim({ errorRate: 0.25, faultSeed: 3 })
    try {
      const { result, calls } = await withClient(
        s,
        (c) => Stream.runCollect(c.conversations(week.from, week.to)),
        { maxRetries: 10 }
      )
      expect(result.map((c) => c.id)).toEqual(expectedIn(week.from, week.to).map((i) => i.id))
      const stats = s.stats()
      expect(stats.errors).toBeGreaterThan(0)
      expect(calls.retries).toBe(stats.errors)
      expect(calls.total).toBe(stats.requests)
    } finally {
      await s.stop()
    }
  })

  it("retries requests that time out", async () => {
    const s = await sim({ stallRate: 0.2, stallMs: 1_500, faultSeed: 5 })
    try {
      const day = { from: "2026-01-10T00:00:00.000Z", to: "2026-01-12T00:00:00.000Z" }
      const { result, calls } = await withClient(
        s,
        (c) => Stream.runCollect(c.conversations(day.from, day.to)),
        { timeoutMs: 300, maxRetries: 10, pageSize: 25 }
      )
      expect(result.map((c) => c.id)).toEqual(expectedIn(day.from, day.to).map((i) => i.id))
      expect(s.stats().stalled).toBeGreaterThan(0)
      expect(calls.retries).toBeGreaterThanOrEqual(s.stats().stalled - 1)
    } finally {
      await s.stop()
    }
  })

  it("gives up after the bounded retries with a clear error", async () => {
    const s = await sim({ errorRate: 1 })
    try {
      const { exitWithClient, failureOf } = await import("./helpers.ts")
      const exit = await exitWithClient(s, (c) => Stream.runCollect(c.conversations(week.from, week.to)), { maxRetries: 2 })
      const e = failureOf(exit)
      expect(e._tag).toBe("PlatformUnavailableError")
      expect(e.message).toMatch(/conversations\.query: the platform at http:\/\/127\.0\.0\.1:\d+ answered 5\d\d \(after 3 attempts\)/)
    } finally {
      await s.stop()
    }
  })
})
