import { describe, expect, it } from "vitest"
import { makeBusyClock } from "../../../src/store/busyClock.ts"

/** A promise settled by hand, and a clock moved by hand. */
const deferred = () => {
  let resolve!: () => void
  let reject!: (e: Error) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}
const manualClock = () => {
  let t = 0
  return { now: () => t, advance: (ms: number) => void (t += ms) }
}

describe("busy clock", () => {
  it("counts overlapping operations once (the union of their intervals)", async () => {
    const clock = manualClock()
    const busy = makeBusyClock(clock.now)
    const a = deferred()
    const b = deferred()
    const ta = busy.track(a.promise)
    clock.advance(1000)
    const tb = busy.track(b.promise)
    clock.advance(500)
    a.resolve()
    await ta
    clock.advance(1500)
    expect(busy.seconds()).toBe(3) // still pending: counted up to now
    b.resolve()
    await tb
    clock.advance(4000) // idle
    expect(busy.seconds()).toBe(3)
  })

  it("adds up separate busy stretches, and counts an operation that fails", async () => {
    const clock = manualClock()
    const busy = makeBusyClock(clock.now)
    const a = deferred()
    const ta = busy.track(a.promise)
    clock.advance(200)
    a.resolve()
    await ta
    clock.advance(10_000)
    const b = deferred()
    const tb = busy.track(b.promise)
    clock.advance(300)
    b.reject(new Error("read failed"))
    await expect(tb).rejects.toThrow("read failed")
    expect(busy.seconds()).toBe(0.5)
  })

  it("passes the operation's value through", async () => {
    const clock = manualClock()
    const busy = makeBusyClock(clock.now)
    expect(await busy.track(Promise.resolve(42))).toBe(42)
    expect(busy.seconds()).toBe(0) // no time passed while it was pending
  })
})
