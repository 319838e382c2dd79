/**
 * The simulator's fault knobs and their injection: latency (± jitter) and stalls, a rate limit
 * (429 with `Retry-After` and `inin-ratelimit-allowed|count|reset`), an error rate (503/500/502
 * with Genesys' error body), HTML error pages (a 502 from a proxy in front of the platform, as
 * text/html) and truncated JSON answers. Stalls, errors, HTML pages and truncation can be aimed
 * at some routes (`faultRoutes`). Content not ready (202) and token lifetimes are applied by
 * their routes; bad data (missing fields, unknown media types) by defects.ts; conversations still
 * open (`openShare`) by the details query (analyticsData.ts).
 *
 * The rate limit counts API requests in fixed windows of `rateWindowSeconds` (a minute, as
 * Genesys: about 300 requests a minute per OAuth client); every answer says where the window
 * stands (`inin-ratelimit-allowed`, `-count`, `-reset` in seconds), beyond → 429.
 */
import { type Answer, fail } from "./answers.ts"
import type { SimRoute } from "./routes.ts"
import type { MutableStats } from "./stats.ts"

export interface SimFaults {
  /** Added to every request (ms). */
  readonly latencyMs: number
  /** Uniform ± jitter around the latency (ms). */
  readonly jitterMs: number
  /** Share (0..1) of API requests answered with a 5xx. */
  readonly errorRate: number
  /** Share (0..1) of API requests answered 502 with an HTML page, as a proxy or gateway in front of the platform answers. */
  readonly htmlErrorRate: number
  /** Share (0..1) of successful JSON answers cut short (truncated JSON). */
  readonly truncateRate: number
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
  /**
   * Share (0..1) of conversations the platform describes with a required field missing: the
   * details query without `conversationStart`, or the recording metadata without `media`
   * (defects.ts; the same conversations every time).
   */
  readonly missingFieldRate: number
  /** Share (0..1) of conversations whose sessions all say a media type Genesys does not document (defects.ts). */
  readonly unknownMediaRate: number
  /**
   * Share (0..1) of the text conversations (chat, email, messaging) still open on the platform,
   * as long email and messaging threads are: the details query lists them without
   * `conversationEnd`, active ever since they started (analyticsData.ts; the same conversations
   * every time, chosen by id). Set it back to 0 and they have ended, at their seeded end.
   */
  readonly openShare: number
  /** The routes stalls, errors, HTML pages and truncation hit (default: every API route). */
  readonly faultRoutes?: ReadonlyArray<SimRoute> | undefined
}

export const DefaultFaults: SimFaults = {
  latencyMs: 0,
  jitterMs: 0,
  errorRate: 0,
  htmlErrorRate: 0,
  truncateRate: 0,
  rateLimit: 0,
  rateWindowSeconds: 60,
  rateHeaders: true,
  notReady: 0,
  tokenTtlSeconds: 86_400,
  stallRate: 0,
  stallMs: 60_000,
  missingFieldRate: 0,
  unknownMediaRate: 0,
  openShare: 0
}

/** The knobs given in `options` over the defaults (`rateLimit`: 300 a minute when `strict`). */
export const faultsFrom = (options: Partial<SimFaults>, strict: boolean, strictRateLimit: number): SimFaults => {
  const given = Object.fromEntries(
    (Object.keys(DefaultFaults) as Array<keyof SimFaults>).concat("faultRoutes").flatMap((k) => (options[k] === undefined ? [] : [[k, options[k]]]))
  ) as Partial<SimFaults>
  return { ...DefaultFaults, ...(strict ? { rateLimit: strictRateLimit } : {}), ...given }
}

/** A 502 as an HTTP proxy in front of the platform answers it: an HTML page. */
export const proxyErrorPage: Answer = {
  status: 502,
  text: {
    contentType: "text/html",
    body: "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center></body></html>\n"
  }
}

/** `faults` and `stats` are read at each request (both can be replaced while serving). */
export const makeFaultInjector = (faults: () => SimFaults, random: () => number, stats: () => MutableStats) => {
  let window = { index: 0, count: 0 }
  let lastThrottleAt = 0
  let retryBlockedUntil = 0
  const aimedAt = (route: SimRoute): boolean => {
    const routes = faults().faultRoutes
    return routes === undefined || routes.includes(route)
  }
  const roll = (rate: number, route: SimRoute): boolean => rate > 0 && aimedAt(route) && random() < rate

  return {
    /** The request came while a Retry-After we gave was still running (beyond 100 ms of grace). */
    isEarly: (now: number): boolean => now < retryBlockedUntil && now > lastThrottleAt + 100,

    /** How long to hold this request (latency, jitter, and a stall now and then). */
    delayMs: (route: SimRoute): number => {
      const f = faults()
      const delay = Math.max(0, f.latencyMs + (f.jitterMs > 0 ? (random() * 2 - 1) * f.jitterMs : 0))
      const stall = roll(f.stallRate, route)
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

    /** A 5xx now and then (the error rate), or a proxy's HTML error page (the HTML error rate). */
    injectedError: (route: SimRoute): Answer | undefined => {
      const f = faults()
      if (roll(f.htmlErrorRate, route)) {
        stats().errors++
        return proxyErrorPage
      }
      if (!roll(f.errorRate, route)) return undefined
      stats().errors++
      const status = [503, 500, 502][Math.floor(random() * 3)]!
      const code = status === 503 ? "service.unavailable" : status === 502 ? "bad.gateway" : "internal.server.error"
      return fail(status, code, "The service is currently unavailable (simulated fault).")
    },

    /** A successful JSON answer cut short now and then (the truncate rate): its text, else undefined. */
    truncated: (route: SimRoute, a: Answer): Answer | undefined => {
      if (a.status < 200 || a.status >= 300 || a.body === undefined || !roll(faults().truncateRate, route)) return undefined
      stats().truncated++
      const json = JSON.stringify(a.body)
      return { status: a.status, text: { contentType: "application/json", body: json.slice(0, Math.max(1, Math.floor(json.length / 2))) } }
    },

    reset: () => {
      lastThrottleAt = 0
      retryBlockedUntil = 0
    }
  }
}
