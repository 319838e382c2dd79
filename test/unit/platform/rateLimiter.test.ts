import { it } from "@effect/vitest"
import { Clock, type Duration, Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect } from "vitest"
import { makeRateLimiter } from "../../../src/platform/RateLimiter.ts"

/** Most starts in any sliding window of `ms`. */
const maxInWindow = (times: ReadonlyArray<number>, ms: number): number => {
  let best = 0
  let lo = 0
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= ms) lo++
    best = Math.max(best, hi - lo + 1)
  }
  return best
}

/** `n` concurrent acquirers (20 at a time) against the test clock: their start times, in order. */
const starts = (acquire: Effect.Effect<number>, n: number, advance: Duration.Input) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.forEach(Array.from({ length: n }), () => acquire.pipe(Effect.andThen(Clock.currentTimeMillis)), {
      concurrency: 20
    }).pipe(Effect.forkChild)
    yield* TestClock.adjust(advance)
    return [...(yield* Fiber.join(fiber))].sort((a, b) => a - b)
  })

describe("makeRateLimiter", () => {
  it.effect("never starts more than the budget in any minute, and spreads the starts evenly", () =>
    Effect.gen(function*() {
      const limiter = makeRateLimiter(300)
      const times = yield* starts(limiter.acquire, 700, "10 minutes")
      expect(times.length).toBe(700)
      expect(maxInWindow(times, 60_000)).toBeLessThanOrEqual(300)
      expect(maxInWindow(times, 1_000)).toBeLessThanOrEqual(5)
      // 700 at 300 a minute: at least two minutes and a bit.
      expect(times[times.length - 1]! - times[0]!).toBeGreaterThanOrEqual(2 * 60_000)
      const stats = yield* limiter.stats
      expect(stats.perMinute).toBe(300)
      expect(stats.waits).toBeGreaterThan(600)
    }))

  it.effect("a pause holds every acquirer until it ends", () =>
    Effect.gen(function*() {
      const limiter = makeRateLimiter(60_000)
      yield* limiter.pauseFor(300)
      const times = yield* starts(limiter.acquire, 5, "1 second")
      for (const t of times) expect(t).toBeGreaterThanOrEqual(300)
    }))

  it.effect("when the platform's window is used up (its inin-ratelimit headers), every request waits for the reset", () =>
    Effect.gen(function*() {
      const limiter = makeRateLimiter(60_000)
      // Three requests (sequence numbers 1, 2, 3); then the answer to the first comes back.
      yield* starts(limiter.acquire, 3, "10 millis")
      // The platform counted 8 of its 10 (other users of the OAuth client too): with the two in flight, none left.
      yield* limiter.observe({ "inin-ratelimit-allowed": "10", "inin-ratelimit-count": "8", "inin-ratelimit-reset": "30" }, 1)
      const times = yield* starts(limiter.acquire, 3, "1 minute")
      for (const t of times) expect(t).toBeGreaterThanOrEqual(30_010)
      const stats = yield* limiter.stats
      expect(stats.windowPauses).toBe(1)
      expect(stats.remaining).toBe(2)
    }))

  it.effect("with room left in the platform's window, no pause", () =>
    Effect.gen(function*() {
      const limiter = makeRateLimiter(60_000)
      const first = yield* limiter.acquire
      yield* limiter.observe({ "inin-ratelimit-allowed": "300", "inin-ratelimit-count": "12", "inin-ratelimit-reset": "40" }, first)
      const times = yield* starts(limiter.acquire, 3, "1 second")
      for (const t of times) expect(t).toBeLessThan(1_000)
      expect((yield* limiter.stats).windowPauses).toBe(0)
    }))
})
