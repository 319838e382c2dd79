/**
 * Client-side request pacing from a per-minute budget (Genesys Cloud allows about 300 requests
 * a minute per OAuth client), following what the platform says of its own count:
 *
 * - starts are spaced evenly (60 s / budget apart), so requests flow smoothly instead of in
 *   bursts; a log of the actual starts enforces the budget in every minute (and a sixtieth of it,
 *   rounded up, in every second), even when fibers wake late (a busy event loop would otherwise
 *   release several overdue slots at once);
 * - `observe` reads the platform's `inin-ratelimit-allowed|count|reset` headers: when the
 *   platform's window is used up — by us, requests started since that answer included, or by
 *   other users of the same OAuth client — every request waits for it to reset;
 * - the whole client can be paused: a 429's Retry-After applies to every request, not just the
 *   one that got it.
 *
 * Time is Effect's clock (TestClock in tests).
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

/** What the limiter did so far (for metrics). */
export interface RateLimiterStats {
  /** The configured budget. */
  readonly perMinute: number
  /** Requests that had to wait for their turn, and how long they waited in all. */
  readonly waits: number
  readonly waitedMs: number
  /** Times the platform's own window was used up (the client paused until it reset). */
  readonly windowPauses: number
  /** Requests left in the platform's window, as its last answer said (undefined before any). */
  readonly remaining: number | undefined
}

export interface RateLimiter {
  /** Waits for this request's turn (and for any pause to end); its sequence number for `observe`. */
  readonly acquire: Effect.Effect<number>
  /** No request starts for `ms` from now. */
  readonly pauseFor: (ms: number) => Effect.Effect<void>
  /** The rate-limit headers of the answer to request `seq`. */
  readonly observe: (headers: Readonly<Record<string, string | undefined>>, seq: number) => Effect.Effect<void>
  readonly stats: Effect.Effect<RateLimiterStats>
}

/**
 * Extra milliseconds per window: a request that leaves late (busy event loop, new connection) or
 * travels faster than the previous one cannot squeeze one request too many into a window.
 */
const GuardMs = 100
const MinuteMs = 60_000 + GuardMs
/** The second's share only smooths the flow (the platform counts per minute): no guard. */
const SecondMs = 1_000

const header = (headers: Readonly<Record<string, string | undefined>>, name: string): number | undefined => {
  const value = headers[name]
  if (value === undefined || value.trim() === "") return undefined
  const n = Number(value)
  return Number.isFinite(n) && n >= 0 ? n : undefined
}

export const makeRateLimiter = (perMinute: number): RateLimiter => {
  const budget = Math.max(1, Math.floor(perMinute))
  const perSecond = Math.ceil(budget / 60)
  const spacing = MinuteMs / budget
  let nextSlot = 0
  let pausedUntil = 0
  let seq = 0
  /** Start times within the last minute, oldest first. */
  const starts: Array<number> = []
  const stats = { waits: 0, waitedMs: 0, windowPauses: 0, remaining: undefined as number | undefined }

  /** Starts within the last second. */
  const inLastSecond = (now: number): number => {
    let n = 0
    for (let k = starts.length - 1; k >= 0 && starts[k]! > now - SecondMs; k--) n++
    return n
  }

  /** Takes a start if both windows have room; otherwise waits for the oldest start to leave. */
  const admit: Effect.Effect<void> = Effect.flatMap(Clock.currentTimeMillis, (now) => {
    if (pausedUntil > now) return Effect.sleep(pausedUntil - now).pipe(Effect.andThen(admit))
    while (starts.length > 0 && starts[0]! <= now - MinuteMs) starts.shift()
    const minuteFull = starts.length >= budget
    const secondFull = inLastSecond(now) >= perSecond
    if (!minuteFull && !secondFull) {
      starts.push(now)
      return Effect.void
    }
    const leaves = minuteFull ? starts[0]! + MinuteMs : starts[starts.length - perSecond]! + SecondMs
    return Effect.sleep(Math.max(1, Math.ceil(leaves - now + 1))).pipe(Effect.andThen(admit))
  })

  const turn: Effect.Effect<void> = Effect.flatMap(Clock.currentTimeMillis, (now) => {
    if (pausedUntil > now) return Effect.sleep(pausedUntil - now).pipe(Effect.andThen(turn))
    const slot = Math.max(now, nextSlot)
    nextSlot = slot + spacing
    const wait = Math.ceil(slot - now)
    return wait <= 0 ? admit : Effect.sleep(wait).pipe(Effect.andThen(admit))
  })

  const acquire: Effect.Effect<number> = Effect.flatMap(Clock.currentTimeMillis, (asked) =>
    turn.pipe(
      Effect.andThen(Clock.currentTimeMillis),
      Effect.map((started) => {
        if (started > asked) {
          stats.waits++
          stats.waitedMs += started - asked
        }
        return ++seq
      })
    ))

  const pauseUntil = (epochMs: number) => {
    if (epochMs > pausedUntil) pausedUntil = epochMs
  }

  return {
    acquire,
    pauseFor: (ms) => Effect.map(Clock.currentTimeMillis, (now) => pauseUntil(now + ms)),
    observe: (headers, answered) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const allowed = header(headers, "inin-ratelimit-allowed")
        const count = header(headers, "inin-ratelimit-count")
        const reset = header(headers, "inin-ratelimit-reset")
        if (allowed === undefined || count === undefined) return
        // Requests started after this one count in the platform's window too.
        const remaining = allowed - count - (seq - answered)
        stats.remaining = Math.max(0, allowed - count)
        if (remaining <= 0 && reset !== undefined) {
          stats.windowPauses++
          pauseUntil(now + reset * 1000)
        }
      }),
    stats: Effect.sync(() => ({ perMinute: budget, ...stats }))
  }
}
