/**
 * Answers that are not the platform's JSON, against the simulator's fault injection: truncated
 * JSON and a proxy's HTML error pages are retried like transient faults (the result stays
 * exact); when they never stop, the error describes what came back.
 */
import { Stream } from "effect"
import { describe, expect, it } from "vitest"
import { exitWithClient, expectedIn, failureOf, generatedInteractions, sim, withClient } from "./helpers.ts"

const week = { from: "2026-01-08T00:00:00.000Z", to: "2026-01-15T00:00:00.000Z" }

describe("answers that are not the platform's JSON", () => {
  it("truncated JSON and HTML error pages now and then: retried, the period paged exactly", async () => {
    const s = await sim({ truncateRate: 0.25, htmlErrorRate: 0.25, faultSeed: 11 })
    try {
      const { result, calls } = await withClient(s, (c) => Stream.runCollect(c.conversations(week.from, week.to)), { maxRetries: 12, pageSize: 25 })
      expect(result.map((c) => c.id)).toEqual(expectedIn(week.from, week.to).map((i) => i.id))
      const stats = s.stats()
      expect(stats.truncated).toBeGreaterThan(0)
      expect(stats.errors).toBeGreaterThan(0)
      expect(calls.retries).toBe(stats.truncated + stats.errors)
    } finally {
      await s.stop()
    }
  })

  it("a details query that only ever gets a proxy's HTML page fails describing the page, not with the HTML", async () => {
    const s = await sim({ htmlErrorRate: 1, faultRoutes: ["conversations.query"] })
    try {
      const e = failureOf(await exitWithClient(s, (c) => Stream.runCollect(c.conversations(week.from, week.to)), { maxRetries: 1 }))
      expect(e._tag).toBe("PlatformUnavailableError")
      expect(e.message).toMatch(
        /^conversations\.query: the platform at http:\/\/127\.0\.0\.1:\d+ answered 502 with an HTML page "502 Bad Gateway" \(not the platform's JSON: a proxy or gateway in between\?\) \(after 2 attempts\)$/
      )
      expect(e.message).not.toContain("<")
    } finally {
      await s.stop()
    }
  })

  it("a token answer that always comes cut short fails saying so, without quoting it (it holds the token)", async () => {
    const s = await sim({ truncateRate: 1, faultRoutes: ["token"] })
    try {
      const e = failureOf(await exitWithClient(s, (c) => Stream.runCollect(c.conversations(week.from, week.to)), { maxRetries: 2 }))
      expect(e.message).toMatch(/^token: the platform answered 200 with a body that is not JSON \(\d+ characters, not shown: it may hold a token\) \(after 3 attempts\)$/)
      expect(e.message).not.toContain("access_token")
      expect(s.stats().truncated).toBe(3)
    } finally {
      await s.stop()
    }
  })

  it("a recording that always comes cut short fails with PlatformDecodeError saying so", async () => {
    const s = await sim({ truncateRate: 1, faultRoutes: ["recording"] })
    try {
      const i = generatedInteractions().find((x) => x.mediaType === "chat")!
      const e = failureOf(await exitWithClient(s, (c) => c.recording(i.id, i.transcripts[0]!.id), { maxRetries: 2 }))
      expect(e._tag).toBe("PlatformDecodeError")
      expect(e.message).toMatch(/^recording: the platform answered 200 with a body that is not JSON \(cut short\?\): "\{.*" \(after 3 attempts\)$/)
      expect(s.stats().truncated).toBe(3)
    } finally {
      await s.stop()
    }
  })
})
