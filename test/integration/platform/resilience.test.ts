/**
 * Rate limits, throttling and tokens against the simulator: the client never exceeds its
 * configured rate (counted on the simulator side), honours Retry-After during 429 storms,
 * refreshes tokens before they expire and once after a 401.
 */
import { Effect, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { exitWithClient, failureOf, generatedInteractions, remoteStats, sim, simProcess, withClient } from "./helpers.ts"

const ids = (n: number) => generatedInteractions().slice(0, n).map((i) => i.id)

describe("client-side rate limiter", () => {
  it("paces its per-minute budget evenly, even with many concurrent callers", async () => {
    // The simulator runs in its own process: what it counts per second is what it received.
    const s = await simProcess()
    try {
      const started = Date.now()
      const { result, calls } = await withClient(
        s,
        (c) => Effect.forEach(ids(60), (id) => c.recordingMetadata(id), { concurrency: 16 }),
        { rateLimitPerMinute: 1_200 }
      )
      const elapsed = Date.now() - started
      expect(result.length).toBe(60)
      const stats = await remoteStats(s)
      if (stats.maxPerSecond > 21) {
        const arrivals = await (await fetch(`${s.url}/__sim/arrivals`)).json() as Array<number>
        console.log("arrivals", arrivals.map((t) => t - arrivals[0]!).join(","))
      }
      expect(stats.requests).toBe(61) // 60 + the token request
      expect(calls.total).toBe(61)
      // 1,200 a minute: 20 a second, spread (one more for a request that travelled slower than the next).
      expect(stats.maxPerSecond).toBeLessThanOrEqual(21)
      expect(stats.maxPerSecond).toBeGreaterThanOrEqual(15)
      // 61 requests at 20/s: about 3 seconds.
      expect(elapsed).toBeGreaterThanOrEqual(2_900)
      expect(calls.rate.perMinute).toBe(1_200)
      expect(calls.rate.waits).toBeGreaterThan(40)
    } finally {
      await s.stop()
    }
  })

  it("follows the platform's inin-ratelimit headers: waits for its window to reset instead of running into 429s", async () => {
    // The platform allows 10 requests per 2-second window; the client's own budget is 6,000 a minute.
    const s = await simProcess({ rateLimit: 10, rateWindowSeconds: 2 })
    try {
      const started = Date.now()
      const { result, calls } = await withClient(
        s,
        (c) => Effect.forEach(ids(30), (id) => c.recordingMetadata(id), { concurrency: 4 }),
        { rateLimitPerMinute: 6_000 }
      )
      expect(result.length).toBe(30)
      const stats = await remoteStats(s)
      // Without the headers it would have sent ~30 in a third of a second: 20 answered 429.
      expect(stats.throttled).toBeLessThanOrEqual(2)
      expect(calls.rate.windowPauses).toBeGreaterThanOrEqual(2)
      expect(calls.rate.remaining).toBeDefined()
      // 30 API requests (the token request is not counted), 10 per 2-second window: the third window at the earliest.
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_000)
    } finally {
      await s.stop()
    }
  })
})

describe("429 storms", () => {
  it("honours Retry-After (the whole client pauses) and completes every request", async () => {
    // The platform allows 8 requests a second and does not say where its window stands (no
    // inin-ratelimit headers); the client would send 100. (The simulator runs in its own process,
    // so its clock of arrivals is not skewed by the client's event loop.)
    const s = await simProcess({ rateLimit: 8, rateWindowSeconds: 1, rateHeaders: false })
    try {
      const { result, calls } = await withClient(
        s,
        (c) => Effect.forEach(ids(30), (id) => c.recordingMetadata(id), { concurrency: 8 }),
        { rateLimitPerMinute: 6_000 }
      )
      expect(result.length).toBe(30)
      const stats = await remoteStats(s)
      expect(stats.throttled).toBeGreaterThan(0)
      expect(calls.throttled).toBe(stats.throttled)
      // No request arrived while a Retry-After was running (beyond in-flight ones).
      expect(stats.earlyAfterThrottle).toBe(0)
      // Throttled requests were repeated, nothing else.
      expect(stats.byRoute["recordingmetadata"]).toBe(30 + stats.throttled)
    } finally {
      await s.stop()
    }
  })

  it("sends the Genesys rate-limit headers: a limit per minute", async () => {
    const s = await sim({ rateLimit: 2 })
    try {
      const { raw } = await import("./helpers.ts")
      const answers = []
      for (let k = 0; k < 4; k++) answers.push(await raw(s, "GET", `/api/v2/conversations/${ids(1)[0]}/recordingmetadata`))
      const throttled = answers.find((a) => a.status === 429)
      expect(throttled).toBeDefined()
      expect(Number(throttled!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
      expect(throttled!.headers.get("inin-ratelimit-allowed")).toBe("2")
      expect(Number(throttled!.headers.get("inin-ratelimit-count"))).toBeGreaterThan(2)
      expect(Number(throttled!.headers.get("inin-ratelimit-reset"))).toBeGreaterThanOrEqual(1)
      expect(Number(throttled!.headers.get("inin-ratelimit-reset"))).toBeLessThanOrEqual(60)
      expect(throttled!.body).toMatchObject({ status: 429, code: "too.many.requests", message: expect.stringContaining("[2] requests for [60] seconds") })
      // Every answer says where the window stands, not only the 429s.
      const ok = answers.find((a) => a.status === 200)!
      expect(ok.headers.get("inin-ratelimit-allowed")).toBe("2")
      expect(Number(ok.headers.get("inin-ratelimit-count"))).toBeGreaterThanOrEqual(1)
      expect((throttled!.body as { contextId: string }).contextId).toMatch(/^[0-9a-f-]{36}$/)
    } finally {
      await s.stop()
    }
  })
})

describe("tokens", () => {
  it("caches the token, and after a 401 refreshes it once and retries", async () => {
    const s = await sim()
    try {
      const { calls } = await withClient(s, (c) =>
        Effect.gen(function*() {
          yield* c.recordingMetadata(ids(1)[0]!)
          yield* c.recordingMetadata(ids(2)[1]!)
          yield* Effect.sync(() => s.expireTokens())
          yield* c.recordingMetadata(ids(3)[2]!)
          yield* c.recordingMetadata(ids(4)[3]!)
        }))
      expect(calls.byEndpoint["token"]).toBe(2)
      expect(calls.unauthorized).toBe(1)
      expect(calls.byEndpoint["recordingmetadata"]).toBe(5)
      expect(s.stats().tokensIssued).toBe(2)
      expect(s.stats().unauthorized).toBe(1)
    } finally {
      await s.stop()
    }
  })

  it("refreshes short-lived tokens before they expire (no 401)", async () => {
    const s = await sim({ tokenTtlSeconds: 1 })
    try {
      const { calls } = await withClient(
        s,
        (c) => Effect.forEach(ids(25), (id) => c.recordingMetadata(id), { concurrency: 2 }),
        { rateLimitPerMinute: 600 }
      )
      expect(calls.unauthorized).toBe(0)
      expect(s.stats().unauthorized).toBe(0)
      expect(calls.byEndpoint["token"]).toBeGreaterThanOrEqual(2)
    } finally {
      await s.stop()
    }
  })

  it("a token refused twice fails with PlatformAuthError", async () => {
    // Tokens that expire at once: the refreshed token is refused too.
    const s = await sim({ tokenTtlSeconds: 0 })
    try {
      const e = failureOf(await exitWithClient(s, (c) => c.recordingMetadata(ids(1)[0]!)))
      expect(e._tag).toBe("PlatformAuthError")
      expect(e.message).toContain("refused a freshly issued token")
      expect(s.stats().tokensIssued).toBe(2)
    } finally {
      await s.stop()
    }
  })

  it("bad client credentials fail with PlatformAuthError naming the keys, never the secret", async () => {
    const s = await sim({ clientId: "right-id", clientSecret: "right-secret" })
    try {
      const e = failureOf(await exitWithClient(s, (c) => c.recordingMetadata(ids(1)[0]!), { clientId: "right-id" }))
      expect(e._tag).toBe("PlatformAuthError")
      expect(e.message).toContain("PLATFORM_CLIENT_ID")
      expect(e.message).toContain("PLATFORM_CLIENT_SECRET")
      expect(e.message).not.toContain("s3cr3t-value")
      expect(JSON.stringify(e)).not.toContain("s3cr3t-value")
      expect(s.stats().tokensIssued).toBe(0)
      // The right ones work.
      const { result } = await withClient(s, (c) => c.recordingMetadata(ids(1)[0]!), {
        clientId: "right-id",
        clientSecret: Redacted.make("right-secret")
      })
      expect(result.length).toBeGreaterThan(0)
    } finally {
      await s.stop()
    }
  })
})
