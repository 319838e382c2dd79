/**
 * The simulator's own contract, over raw HTTP: Genesys' shapes and limits (OAuth, paging
 * limit, page size, interval length, errors, which conversations an interval selects, filter
 * dimensions per level), determinism, and the missing share.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { AnalyticsConversationQueryResponse } from "../../../src/platform/genesys.ts"
import { Schema } from "effect"
import { isMissingInteraction } from "../../../src/seed/missing.ts"
import { generatedInteractions, raw, selectedIn, type Sim, sim, seedOptions } from "./helpers.ts"
import { startSim } from "../../../src/sim/server.ts"

/** The generated interactions an interval (`start/end`) selects. */
const selected = (interval: string) => {
  const [from, to] = interval.split("/") as [string, string]
  return selectedIn(from, to)
}

const query = (interval: string, pageSize: number, pageNumber: number, extra: Record<string, unknown> = {}) => ({
  interval,
  order: "asc",
  orderBy: "conversationStart",
  paging: { pageSize, pageNumber },
  ...extra
})

describe("rewind sim: Genesys shapes and limits", () => {
  let s: Sim
  beforeAll(async () => {
    s = await sim({ pagingLimit: 1_000 })
  })
  afterAll(() => s.stop())

  it("issues tokens for client credentials (HTTP Basic, form grant)", async () => {
    const ok = await fetch(`${s.url}/oauth/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from("id:secret").toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded"
      },
      body: "grant_type=client_credentials"
    })
    expect(ok.status).toBe(200)
    const token = await ok.json() as Record<string, unknown>
    expect(token["token_type"]).toBe("bearer")
    expect(token["expires_in"]).toBe(86_400)
    expect(typeof token["access_token"]).toBe("string")

    const noAuth = await fetch(`${s.url}/oauth/token`, { method: "POST", body: "grant_type=client_credentials" })
    expect(noAuth.status).toBe(401)
    const badGrant = await fetch(`${s.url}/oauth/token`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("id:secret").toString("base64")}` },
      body: "grant_type=password"
    })
    expect(badGrant.status).toBe(400)
  })

  it("refuses API calls without a valid token (401, Genesys error body)", async () => {
    const r = await raw(s, "POST", "/api/v2/analytics/conversations/details/query", query("2026-01-01T00:00:00Z/2026-01-02T00:00:00Z", 10, 1), "nope")
    expect(r.status).toBe(401)
    expect(r.body).toMatchObject({ status: 401, code: "bad.credentials" })
    expect(Object.keys(r.body as object)).toEqual(expect.arrayContaining(["status", "code", "message", "contextId"]))
  })

  it("answers AnalyticsConversationQueryResponse pages; paging past the limit is a 400", async () => {
    const interval = "2026-01-01T00:00:00.000Z/2026-01-08T00:00:00.000Z"
    const first = await raw(s, "POST", "/api/v2/analytics/conversations/details/query", query(interval, 100, 1))
    expect(first.status).toBe(200)
    const page = Schema.decodeUnknownSync(AnalyticsConversationQueryResponse)(first.body)
    expect(page.totalHits).toBe(selected(interval).length)
    expect(page.conversations!.length).toBe(100)
    const c = page.conversations![0]!
    expect(c.participants!.map((p) => p.purpose)).toEqual(expect.arrayContaining(["customer", "acd", "agent"]))
    expect(c.participants!.find((p) => p.purpose === "acd")!.sessions![0]!.segments![0]!.queueId).toBeDefined()

    // Pages 1..20 of 50 are within the 1,000-result limit; page 21 is not.
    expect((await raw(s, "POST", "/api/v2/analytics/conversations/details/query", query(interval, 50, 20))).status).toBe(200)
    const refused = await raw(s, "POST", "/api/v2/analytics/conversations/details/query", query(interval, 50, 21))
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({ status: 400, code: "bad.request" })
    expect((refused.body as { message: string }).message).toContain("Paging beyond 1000 results")
    expect((refused.body as { contextId: string }).contextId).toMatch(/^[0-9a-f-]{36}$/)

    const tooBig = await raw(s, "POST", "/api/v2/analytics/conversations/details/query", query(interval, 101, 1))
    expect(tooBig.status).toBe(400)
    expect((tooBig.body as { message: string }).message).toBe("paging.pageSize must be between 1 and 100.")
    const badInterval = await raw(s, "POST", "/api/v2/analytics/conversations/details/query", query("yesterday", 10, 1))
    expect(badInterval.status).toBe(400)
    const empty = await raw(s, "POST", "/api/v2/analytics/conversations/details/query", query("2030-01-01T00:00:00Z/2030-01-02T00:00:00Z", 10, 1))
    expect(empty.body).toEqual({ totalHits: 0 })
  })

  it("refuses an interval longer than 7 days with a 400, like Genesys; the limit is a knob", async () => {
    const week = await raw(s, "POST", "/api/v2/analytics/conversations/details/query", query("2026-01-03T00:00:00.000Z/2026-01-10T00:00:00.000Z", 10, 1))
    expect(week.status).toBe(200)
    const longer = await raw(s, "POST", "/api/v2/analytics/conversations/details/query", query("2026-01-03T00:00:00.000Z/2026-01-10T00:00:00.001Z", 10, 1))
    expect(longer.status).toBe(400)
    expect(longer.body).toMatchObject({
      status: 400,
      code: "bad.request",
      message: "The interval 2026-01-03T00:00:00.000Z/2026-01-10T00:00:00.001Z is longer than the maximum of 7 days for a detail query."
    })
    expect(s.info.maxIntervalDays).toBe(7)
    const any = await sim({ maxIntervalDays: 0 })
    try {
      const month = await raw(any, "POST", "/api/v2/analytics/conversations/details/query", query("2026-01-01T00:00:00.000Z/2026-02-01T00:00:00.000Z", 10, 1))
      expect(month.status).toBe(200)
      expect((month.body as { totalHits: number }).totalHits).toBe(3_000)
    } finally {
      await any.stop()
    }
  })

  it("selects, like Genesys, the conversations that started on a day the interval touches and were active during it", async () => {
    const hits = async (interval: string) =>
      ((await raw(s, "POST", "/api/v2/analytics/conversations/details/query", query(interval, 100, 1))).body as { totalHits: number }).totalHits
    // One hour of the 15th: those started in it, and those started earlier that day still going on in it.
    const hour = "2026-01-15T10:00:00.000Z/2026-01-15T11:00:00.000Z"
    const startedIn = generatedInteractions().filter((i) => i.startTime >= "2026-01-15T10:00:00.000Z" && i.startTime < "2026-01-15T11:00:00.000Z")
    const stillGoing = generatedInteractions().filter((i) =>
      i.startTime >= "2026-01-15T00:00:00.000Z" && i.startTime < "2026-01-15T10:00:00.000Z" && i.endTime >= "2026-01-15T10:00:00.000Z"
    )
    expect(startedIn.length).toBeGreaterThan(0)
    expect(stillGoing.length).toBeGreaterThan(0)
    expect(await hits(hour)).toBe(startedIn.length + stillGoing.length)
    expect(await hits(hour)).toBe(selected(hour).length)
    // None of the 14th, even those still going on at midnight.
    expect(generatedInteractions().some((i) => i.startTime.startsWith("2026-01-14") && i.endTime >= "2026-01-15")).toBe(true)
    expect(await hits("2026-01-15T00:00:00.000Z/2026-01-16T00:00:00.000Z")).toBe(generatedInteractions().filter((i) => i.startTime.startsWith("2026-01-15")).length)
  })

  it("filters on segment dimensions (mediaType) and conversation dimensions (conversationId), each at its own level", async () => {
    const interval = "2026-01-01T00:00:00.000Z/2026-01-08T00:00:00.000Z"
    const chats = await raw(s, "POST", "/api/v2/analytics/conversations/details/query", query(interval, 10, 1, {
      segmentFilters: [{ type: "or", predicates: [{ type: "dimension", dimension: "mediaType", operator: "matches", value: "chat" }] }]
    }))
    expect((chats.body as { totalHits: number }).totalHits).toBe(selected(interval).filter((i) => i.mediaType === "chat").length)
    const id = generatedInteractions()[123]!.id
    const one = await raw(s, "POST", "/api/v2/analytics/conversations/details/query", query(interval, 10, 1, {
      conversationFilters: [{ type: "and", predicates: [{ dimension: "conversationId", value: id }] }]
    }))
    expect((one.body as { conversations: Array<{ conversationId: string }> }).conversations.map((c) => c.conversationId)).toEqual([id])
    const refused = async (body: Record<string, unknown>) => {
      const r = await raw(s, "POST", "/api/v2/analytics/conversations/details/query", query(interval, 10, 1, body))
      expect(r.status).toBe(400)
      return (r.body as { message: string }).message
    }
    expect(await refused({ conversationFilters: [{ type: "and", predicates: [{ dimension: "shoeSize", value: "9" }] }] }))
      .toBe("Invalid filter: shoeSize is not a conversation dimension.")
    // mediaType is a segment dimension, conversationId a conversation one (ConversationDetailQueryPredicate, SegmentDetailQueryPredicate).
    expect(await refused({ conversationFilters: [{ type: "or", predicates: [{ dimension: "mediaType", value: "chat" }] }] }))
      .toBe("Invalid filter: mediaType is not a conversation dimension.")
    expect(await refused({ segmentFilters: [{ type: "or", predicates: [{ dimension: "conversationId", value: id }] }] }))
      .toBe("Invalid filter: conversationId is not a segment dimension.")
    // Refused even when nothing would match.
    expect((await raw(s, "POST", "/api/v2/analytics/conversations/details/query", query("2030-01-01T00:00:00Z/2030-01-02T00:00:00Z", 10, 1, {
      segmentFilters: [{ type: "or", predicates: [{ dimension: "conversationId", value: id }] }]
    }))).status).toBe(400)
  })

  it("404s unknown routes with the error body", async () => {
    const r = await raw(s, "GET", "/api/v2/users/me")
    expect(r.status).toBe(404)
    expect(r.body).toMatchObject({ status: 404, code: "not.found" })
  })

  it("reports its missing share: exactly the text conversations `rewind seed --missing-share` leaves out", () => {
    const missing = new Set(s.data.missingIds())
    const expected = generatedInteractions().filter((i) => isMissingInteraction(i, seedOptions.seed, 0.05))
    expect([...missing]).toEqual(expected.map((i) => i.id))
    expect(expected.length).toBeGreaterThan(30)
    for (const i of expected) expect(["chat", "email", "message"]).toContain(i.mediaType)
  })

  it("serves stats on /__sim/stats", async () => {
    const r = await fetch(`${s.url}/__sim/stats`)
    const stats = await r.json() as { requests: number; info: { conversations: number; pagingLimit: number } }
    expect(stats.requests).toBeGreaterThan(0)
    expect(stats.info).toMatchObject({ conversations: 3_000, pagingLimit: 1_000 })
  })
})

describe("rewind sim: determinism", () => {
  it("same seed/count/period → the same answers", async () => {
    const a = await startSim({ seed: 99, count: 200, from: "2026-03-01T00:00:00Z", to: "2026-03-08T00:00:00Z" })
    const b = await startSim({ seed: 99, count: 200, from: "2026-03-01T00:00:00Z", to: "2026-03-08T00:00:00Z" })
    try {
      const q = query("2026-03-02T00:00:00.000Z/2026-03-04T00:00:00.000Z", 100, 1)
      const ra = await raw(a, "POST", "/api/v2/analytics/conversations/details/query", q)
      const rb = await raw(b, "POST", "/api/v2/analytics/conversations/details/query", q)
      expect(ra.body).toEqual(rb.body)
      const id = (ra.body as { conversations: Array<{ conversationId: string }> }).conversations[0]!.conversationId
      const ma = await raw(a, "GET", `/api/v2/conversations/${id}/recordingmetadata`)
      const mb = await raw(b, "GET", `/api/v2/conversations/${id}/recordingmetadata`)
      expect(ma.body).toEqual(mb.body)
      const rid = (ma.body as Array<{ id: string }>)[0]!.id
      expect((await raw(a, "GET", `/api/v2/conversations/${id}/recordings/${rid}`)).body)
        .toEqual((await raw(b, "GET", `/api/v2/conversations/${id}/recordings/${rid}`)).body)
    } finally {
      await a.stop()
      await b.stop()
    }
  })
})
