/**
 * Paging the details query against the simulator: exactly the generated conversations of the
 * period (the platform also returns those started earlier on a day the interval touches and
 * still active in it), at most 7 days a query, interval splitting past the paging limit,
 * retries of 5xx and timeouts.
 */
import { Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { isUnreadable, type ListedConversation, type PlatformConversation } from "../../../src/platform/convert.ts"
import { conversationOf, expectedIn, raw, sharedData, type Sim, sim, withClient } from "./helpers.ts"

const week = { from: "2026-01-08T00:00:00.000Z", to: "2026-01-15T00:00:00.000Z" }

/** The conversations, all readable (fails the test on an unreadable one). */
const readable = (listed: ReadonlyArray<ListedConversation>): ReadonlyArray<PlatformConversation> =>
  listed.map((c) => {
    if (isUnreadable(c)) throw new Error(`unreadable: ${c.reason}`)
    return c
  })

/** What the client read, but the message type (the generator does not make one). */
const withoutMessageType = ({ messageType: _m, ...c }: PlatformConversation) => c

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
    expect(readable(result).map(withoutMessageType)).toEqual(expected.map(conversationOf))
    // The minimum: one request per page of what the platform returns.
    const selected = s.data.selectedBy(Date.parse(week.from), Date.parse(week.to)).length
    expect(calls.byEndpoint["conversations.query"]).toBe(Math.ceil(selected / 100))
    expect(calls.byEndpoint["token"]).toBe(1)
    expect(calls.retries).toBe(0)
  })

  it("keeps only the conversations that start in the period (the platform adds those of the days it touches still active in it)", async () => {
    // Two hours across midnight: the platform also returns what started earlier on the 20th and was still going on at 23:00.
    const span = { from: "2026-01-20T23:00:00.000Z", to: "2026-01-21T01:00:00.000Z" }
    const answer = await raw(s, "POST", "/api/v2/analytics/conversations/details/query", {
      interval: `${span.from}/${span.to}`,
      order: "asc",
      orderBy: "conversationStart",
      paging: { pageSize: 100, pageNumber: 1 }
    })
    expect(answer.status).toBe(200)
    const body = answer.body as { conversations: Array<{ conversationStart: string }>; totalHits: number }
    expect(body.totalHits).toBe(s.data.selectedBy(Date.parse(span.from), Date.parse(span.to)).length)
    expect(body.conversations.some((c) => c.conversationStart < span.from)).toBe(true)

    const { result, calls } = await withClient(s, (c) => Stream.runCollect(c.conversations(span.from, span.to)))
    const expected = expectedIn(span.from, span.to)
    expect(expected.length).toBeGreaterThan(0)
    expect(result.map((c) => c.id)).toEqual(expected.map((i) => i.id))
    for (const c of readable(result)) expect(c.startTime >= span.from && c.startTime < span.to).toBe(true)
    expect(calls.byEndpoint["conversations.query"]).toBe(Math.ceil(body.totalHits / 100))
  })

  it("asks for at most 7 days at a time, cut at UTC midnights: a month in five queries, none refused", async () => {
    const month = { from: "2026-01-01T06:00:00.000Z", to: "2026-02-01T00:00:00.000Z" }
    const intervals: Array<string> = []
    const watching = await sim({ observeRequest: (route, _url, body) => {
      if (route === "conversations.query") intervals.push((JSON.parse(body) as { interval: string }).interval)
    } })
    try {
      const { result } = await withClient(watching, (c) => Stream.runCollect(c.conversations(month.from, month.to)))
      expect(result.map((c) => c.id)).toEqual(expectedIn(month.from, month.to).map((i) => i.id))
      expect(watching.stats().byStatus["400"]).toBeUndefined()
      expect([...new Set(intervals)]).toEqual([
        "2026-01-01T06:00:00.000Z/2026-01-08T00:00:00.000Z",
        "2026-01-08T00:00:00.000Z/2026-01-15T00:00:00.000Z",
        "2026-01-15T00:00:00.000Z/2026-01-22T00:00:00.000Z",
        "2026-01-22T00:00:00.000Z/2026-01-29T00:00:00.000Z",
        "2026-01-29T00:00:00.000Z/2026-02-01T00:00:00.000Z"
      ])
    } finally {
      await watching.stop()
    }
  })

  it("filters media types on the platform (segment filter) and checks them", async () => {
    const { result, calls } = await withClient(
      s,
      (c) => Stream.runCollect(c.conversations(week.from, week.to, { mediaTypes: ["chat", "email", "message"] }))
    )
    const expected = expectedIn(week.from, week.to).filter((i) => ["chat", "email", "message"].includes(i.mediaType))
    expect(result.map((c) => c.id)).toEqual(expected.map((i) => i.id))
    const selectedText = s.data.selectedBy(Date.parse(week.from), Date.parse(week.to))
      .filter((c) => ["chat", "email", "message"].includes(c.mediaType)).length
    expect(calls.byEndpoint["conversations.query"]).toBe(Math.ceil(selectedText / 100))
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

  it("cuts at midnights: no day is read by two parts", async () => {
    const span = { from: "2026-01-03T12:00:00.000Z", to: "2026-01-20T12:00:00.000Z" }
    const served: Array<string> = []
    const counting = await sim({
      pagingLimit: 400,
      mutateResponse: (route, body) => {
        if (route === "conversations.query") for (const c of (body as { conversations?: Array<{ conversationId: string }> }).conversations ?? []) served.push(c.conversationId)
        return body
      }
    })
    try {
      const { result } = await withClient(counting, (c) => Stream.runCollect(c.conversations(span.from, span.to)), { pagingLimit: 400, pageSize: 100 })
      expect(result.map((c) => c.id)).toEqual(expectedIn(span.from, span.to).map((i) => i.id))
      // Each conversation served once by the parts; only the first pages of the probes of the three 7-day intervals again.
      expect(served.length - new Set(served).size).toBeLessThanOrEqual(300)
      expect(new Set(served).size).toBe(counting.data.selectedBy(Date.parse(span.from), Date.parse(span.to)).length)
    } finally {
      await counting.stop()
    }
  })

  it("a busy day is cut within the day: each part pages its share", async () => {
    // ~100 conversations a day; the platform pages 40: parts of the day return fewer (those active in them).
    const small = await sim({ pagingLimit: 40 })
    try {
      const span = { from: "2026-01-10T00:00:00.000Z", to: "2026-01-11T00:00:00.000Z" }
      const { result } = await withClient(small, (c) => Stream.runCollect(c.conversations(span.from, span.to)), { pagingLimit: 40, pageSize: 20 })
      expect(result.map((c) => c.id)).toEqual(expectedIn(span.from, span.to).map((i) => i.id))
      expect(small.stats().byStatus["400"]).toBeUndefined()
    } finally {
      await small.stop()
    }
  })

  it("more conversations active at one moment than one query pages fails clearly, without cutting ever finer", async () => {
    // The moment when the most conversations started that day are active at once (long email threads among them).
    const day = (ms: number) => Math.floor(ms / 86_400_000)
    let busiest = { at: 0, active: 0 }
    for (const c of sharedData().conversations) {
      const at = c.endMs - 1
      const active = sharedData().conversations.filter((o) => day(o.startMs) === day(at) && o.startMs <= at && o.endMs >= at).length
      if (active > busiest.active) busiest = { at, active }
    }
    expect(busiest.active).toBeGreaterThan(8)
    const limit = Math.floor(busiest.active / 2)
    const small = await sim({ pagingLimit: limit })
    try {
      const hour = Math.floor(busiest.at / 3_600_000) * 3_600_000
      const date = new Date(busiest.at).toISOString().slice(0, 10)
      const { exitWithClient, failureOf } = await import("./helpers.ts")
      const e = failureOf(await exitWithClient(
        small,
        (c) => Stream.runCollect(c.conversations(new Date(hour).toISOString(), new Date(hour + 3_600_000).toISOString())),
        { pagingLimit: limit, pageSize: Math.max(1, Math.floor(limit / 2)) }
      ))
      expect(e.message).toMatch(new RegExp(
        `^conversations\\.query: \\d+ conversations started on ${date} are active in ${date}T[\\d:.]+Z/${date}T[\\d:.]+Z however finely it is cut, ` +
          `more than one query can page \\(${limit}\\): narrow the query \\(media types, conversations\\)$`
      ))
      expect(small.stats().byRoute["conversations.query"]).toBeLessThan(300)
    } finally {
      await small.stop()
    }
  }, 30_000)

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
      expect(e.message).toMatch(/conversations\.query: the platform at http:\/\/127\.0\.0\.1:\d+ answered 5\d\d: The service is currently unavailable \(simulated fault\)\. \(after 3 attempts\)/)
    } finally {
      await s.stop()
    }
  })
})
