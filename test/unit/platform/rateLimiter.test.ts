import { Effect } from "effect"
import { describe, expect, it } from "vitest"
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

describe("makeRateLimiter", () => {
  it("spaces concurrent acquirers so that no second holds more than the rate", async () => {
    const limiter = makeRateLimiter(50)
    const times: Array<number> = []
    await Effect.runPromise(
      Effect.forEach(Array.from({ length: 80 }), () => limiter.acquire.pipe(Effect.tap(() => Effect.sync(() => times.push(Date.now())))), {
        concurrency: 20
      })
    )
    times.sort((a, b) => a - b)
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(50)
    expect(times[times.length - 1]! - times[0]!).toBeGreaterThanOrEqual(1_500)
  })

  it("a pause holds every acquirer until it ends", async () => {
    const limiter = makeRateLimiter(1_000)
    const started = Date.now()
    await Effect.runPromise(limiter.pauseUntil(started + 300))
    const times: Array<number> = []
    await Effect.runPromise(
      Effect.forEach(Array.from({ length: 5 }), () => limiter.acquire.pipe(Effect.tap(() => Effect.sync(() => times.push(Date.now())))), {
        concurrency: 5
      })
    )
    for (const t of times) expect(t).toBeGreaterThanOrEqual(started + 300)
  })
})
