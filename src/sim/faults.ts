/**
 * The simulator's fault knobs and their injection: latency (± jitter) and stalls on every
 * request, a rate limit (429 with `Retry-After` and `inin-ratelimit-allowed|count|reset`), an
 * error rate (503/500/502 with Genesys' error body). Content not ready (202) and token lifetimes
 * are applied by their routes.
 *
 * The rate limit counts API requests in fixed windows of `rateWindowSeconds` (a minute, as
 * Genesys: about 300 requests a minute per OAuth client); every answer says where the window
 * stands (`inin-ratelimit-allowed`, `-count`, `-reset` in seconds), beyond → 429.
 */
import { type Answer, fail } from "./answers.ts"
import type { MutableStats } from "./stats.ts"

export interface SimFaults {
  /** Added to every request (ms). */
  readonly latencyMs: number
  /** Uniform ± jitter around the latency (ms). */
  readonly jitterMs: number
  /** Share (0..1) of API requests answered with a 5xx. */
  readonly errorRate: number
  /** API requests allowed per window (a minute unless `rateWindowSeconds` says otherwise); 0 = unlimited. */
  readonly rateLimit: number
  /** Length of the rate-limit windows (default 60: per minute, as Genesys; tests shorten it). */
  readonly rateWindowSeconds: number
  /** Send `inin-ratelimit-*` headers (default true); false: a 429's Retry-After is all a client learns. */
  readonly rateHeaders: boolean
  /** The first N fetches of each recording answer 202 (content being prepared). */
  readonly notReady: number
  /** `expires_in` of issued tokens (seconds). */
  readonly tokenTtlSeconds: number
  /** Share (0..1) of requests that stall for `stallMs` before being answered. */
  readonly stallRate: number
  readonly stallMs: number
}

export const DefaultFaults: SimFaults = {
  latencyMs: 0,
  jitterMs: 0,
  errorRate: 0,
  rateLimit: 0,
  rateWindowSeconds: 60,
  rateHeaders: true,
  notReady: 0,
  tokenTtlSeconds: 86_400,
  stallRate: 0,
  stallMs: 60_000
}

/** `faults` and `stats` are read at each request (both can be replaced while serving). */
export const makeFaultInjector = (faults: () => SimFaults, random: () => number, stats: () => MutableStats) => {
  let window = { index: 0, count: 0 }
  let lastThrottleAt = 0
  let retryBlockedUntil = 0

  return {
    /** The request came while a Retry-After we gave was still running (beyond 100 ms of grace). */
    isEarly: (now: number): boolean => now < retryBlockedUntil && now > lastThrottleAt + 100,

    /** How long to hold this request (latency, jitter, and a stall now and then). */
    delayMs: (): number => {
      const f = faults()
      const delay = Math.max(0, f.latencyMs + (f.jitterMs > 0 ? (random() * 2 - 1) * f.jitterMs : 0))
      const stall = f.stallRate > 0 && random() < f.stallRate
      if (stall) stats().stalled++
      return Math.round(delay + (stall ? f.stallMs : 0))
    },

    /** Rate limit: fixed windows of API requests. The headers to send, and the 429 when over. */
    rateLimit: (arrivedAt: number): { readonly headers: Record<string, string>; readonly throttled?: Answer } => {
      const f = faults()
      if (f.rateLimit <= 0) return { headers: {} }
      const windowMs = Math.max(1, f.rateWindowSeconds) * 1000
      const index = Math.floor(arrivedAt / windowMs)
      if (window.index !== index) window = { index, count: 0 }
      window.count++
      const resetSeconds = Math.max(1, Math.ceil(((index + 1) * windowMs - arrivedAt) / 1000))
      const headers: Record<string, string> = f.rateHeaders
        ? {
          "inin-ratelimit-allowed": String(f.rateLimit),
          "inin-ratelimit-count": String(window.count),
          "inin-ratelimit-reset": String(resetSeconds)
        }
        : {}
      if (window.count <= f.rateLimit) return { headers }
      stats().throttled++
      const now = Date.now()
      lastThrottleAt = now
      retryBlockedUntil = Math.max(retryBlockedUntil, now + resetSeconds * 1000)
      return {
        headers,
        throttled: fail(429, "too.many.requests", `Rate limit exceeded the maximum. [${f.rateLimit}] requests for [${Math.max(1, f.rateWindowSeconds)}] seconds`, {
          "retry-after": String(resetSeconds)
        })
      }
    },

    /** A 5xx now and then (the error rate). */
    injectedError: (): Answer | undefined => {
      const f = faults()
      if (!(f.errorRate > 0 && random() < f.errorRate)) return undefined
      stats().errors++
      const status = [503, 500, 502][Math.floor(random() * 3)]!
      const code = status === 503 ? "service.unavailable" : status === 502 ? "bad.gateway" : "internal.server.error"
      return fail(status, code, "The service is currently unavailable (simulated fault).")
    },

    reset: () => {
      lastThrottleAt = 0
      retryBlockedUntil = 0
    }
  }
}
