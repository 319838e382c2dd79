/**
 * Client-side request pacing: request starts are spaced evenly so that no window of one second
 * ever holds more than `ratePerSecond` of them (with a small guard for network jitter), and the
 * whole client can be paused (a 429's Retry-After applies to every request, not just the one
 * that got it).
 */
import { Effect } from "effect"

export interface RateLimiter {
  /** Waits for this request's slot (and for any pause to end). */
  readonly acquire: Effect.Effect<void>
  /** No request starts before `epochMs`. */
  readonly pauseUntil: (epochMs: number) => Effect.Effect<void>
}

/** Extra milliseconds per second of slots: arrival jitter cannot squeeze rate + 1 requests into a second. */
const GuardMs = 25

export const makeRateLimiter = (ratePerSecond: number): RateLimiter => {
  const spacing = (1000 + GuardMs) / ratePerSecond
  let nextSlot = 0
  let pausedUntil = 0

  const acquire: Effect.Effect<void> = Effect.suspend(() => {
    const now = Date.now()
    if (pausedUntil > now) return Effect.sleep(pausedUntil - now).pipe(Effect.andThen(acquire))
    const slot = Math.max(now, nextSlot)
    nextSlot = slot + spacing
    const wait = slot - now
    const afterWait = Effect.suspend(() => (pausedUntil > Date.now() ? acquire : Effect.void))
    return wait <= 0 ? afterWait : Effect.sleep(Math.ceil(wait)).pipe(Effect.andThen(afterWait))
  })

  return {
    acquire,
    pauseUntil: (epochMs) =>
      Effect.sync(() => {
        if (epochMs > pausedUntil) pausedUntil = epochMs
      })
  }
}
