/**
 * Client-side request pacing, so the platform never sees more than `ratePerSecond` requests
 * from us in any one-second window:
 *
 * - starts are spaced evenly (1/rate apart), so requests flow smoothly instead of in bursts;
 * - a log of the actual starts enforces the bound even when fibers wake late (a busy event
 *   loop would otherwise release several overdue slots at once);
 * - the whole client can be paused: a 429's Retry-After applies to every request, not just
 *   the one that got it.
 */
import { Effect } from "effect"

export interface RateLimiter {
  /** Waits for this request's turn (and for any pause to end). */
  readonly acquire: Effect.Effect<void>
  /** No request starts before `epochMs`. */
  readonly pauseUntil: (epochMs: number) => Effect.Effect<void>
}

/**
 * Extra milliseconds per window: a request that leaves late (busy event loop, new connection) or
 * travels faster than the previous one cannot squeeze one request too many into a second.
 */
const GuardMs = 100

export const makeRateLimiter = (ratePerSecond: number): RateLimiter => {
  // `capacity` starts per `windowMs` (at most `ratePerSecond` per second, rounding down).
  const capacity = ratePerSecond >= 1 ? Math.floor(ratePerSecond) : 1
  const windowMs = (ratePerSecond >= 1 ? 1000 : 1000 / ratePerSecond) + GuardMs
  const spacing = windowMs / capacity
  let nextSlot = 0
  let pausedUntil = 0
  /** Start times within the last window, oldest first. */
  const starts: Array<number> = []

  /** Takes a start if the window has room; otherwise waits for it. */
  const admit: Effect.Effect<void> = Effect.suspend(() => {
    const now = Date.now()
    if (pausedUntil > now) return Effect.sleep(pausedUntil - now).pipe(Effect.andThen(admit))
    while (starts.length > 0 && starts[0]! <= now - windowMs) starts.shift()
    if (starts.length < capacity) {
      starts.push(now)
      return Effect.void
    }
    return Effect.sleep(Math.max(1, Math.ceil(starts[0]! + windowMs - now + 1))).pipe(Effect.andThen(admit))
  })

  const acquire: Effect.Effect<void> = Effect.suspend(() => {
    const now = Date.now()
    if (pausedUntil > now) return Effect.sleep(pausedUntil - now).pipe(Effect.andThen(acquire))
    const slot = Math.max(now, nextSlot)
    nextSlot = slot + spacing
    const wait = Math.ceil(slot - now)
    return wait <= 0 ? admit : Effect.sleep(wait).pipe(Effect.andThen(admit))
  })

  return {
    acquire,
    pauseUntil: (epochMs) =>
      Effect.sync(() => {
        if (epochMs > pausedUntil) pausedUntil = epochMs
      })
  }
}
