import { JetStreamApiError } from "@nats-io/jetstream"
import { errors } from "@nats-io/transport-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Schema } from "effect"
import { TestClock } from "effect/testing"
import { heartbeatLoop } from "../../../src/daemon/jobs/heartbeat.ts"
import { natsBackoffMs, untilNatsAnswers } from "../../../src/daemon/jobs/natsWait.ts"
import { natsError, type NatsError } from "../../../src/nats/Nats.ts"
import { isNatsOutage } from "../../../src/nats/outage.ts"

const timeout = () => natsError("updating rewind-jobs/j1")(new errors.TimeoutError())
const unavailable = () =>
  natsError("updating rewind-jobs/j1")(new JetStreamApiError({ code: 503, err_code: 10008, description: "JetStream system temporarily unavailable" }))
const badValue = () => natsError("rewind-jobs/j1@3: stored value does not match its schema")(new Error("Expected string"))

class Gone extends Schema.TaggedError<Gone>()("Gone", {}) {}

describe("isNatsOutage", () => {
  it("is true for NATS not answering: timeouts, lost connections, no responders, JetStream 503", () => {
    expect(isNatsOutage(timeout())).toBe(true)
    expect(isNatsOutage(unavailable())).toBe(true)
    expect(isNatsOutage(natsError("x")(new errors.ConnectionError("connection refused")))).toBe(true)
    expect(isNatsOutage(natsError("x")(new errors.ClosedConnectionError()))).toBe(true)
    expect(isNatsOutage(natsError("x")(new errors.RequestError("no responders", { cause: new errors.NoRespondersError("$JS.API.x") })))).toBe(true)
  })

  it("is false for failures that waiting would not mend", () => {
    expect(isNatsOutage(badValue())).toBe(false)
    expect(isNatsOutage(natsError("x")(new errors.PermissionViolationError("denied", "publish", "$JS.API.x")))).toBe(false)
    expect(isNatsOutage(natsError("x")(new JetStreamApiError({ code: 400, err_code: 10071, description: "wrong last sequence" })))).toBe(false)
    expect(isNatsOutage(natsError("x")(new errors.RequestError("bad request")))).toBe(false)
  })
})

describe("untilNatsAnswers", () => {
  const recorder = () => {
    const log: Array<string> = []
    return {
      log,
      wait: {
        maxWaitMs: 60_000,
        onWait: (error: string) => Effect.sync(() => void log.push(`wait: ${error}`)),
        onBack: (ms: number, answered: boolean) => Effect.sync(() => void log.push(`back after ${ms} ms, answered ${answered}`))
      }
    }
  }

  it.effect("tries again while NATS does not answer, and tells when it waits and when it is answered", () =>
    Effect.gen(function*() {
      const { log, wait } = recorder()
      let calls = 0
      const flaky = Effect.suspend(() => ++calls <= 3 ? Effect.fail(timeout()) : Effect.succeed("written"))
      const fiber = yield* Effect.forkChild(untilNatsAnswers(flaky, wait))
      yield* TestClock.adjust("30 seconds")
      expect(yield* Fiber.join(fiber)).toBe("written")
      expect(calls).toBe(4)
      expect(log).toHaveLength(2)
      expect(log[0]).toMatch(/^wait: updating rewind-jobs\/j1: /)
      expect(log[1]).toMatch(/^back after \d+ ms, answered true$/)
    }))

  it.effect("passes any other failure on at once, without waiting", () =>
    Effect.gen(function*() {
      const { log, wait } = recorder()
      let calls = 0
      const error = yield* Effect.flip(untilNatsAnswers(Effect.suspend(() => (calls++, Effect.fail(badValue()))), wait))
      expect(error.message).toContain("does not match its schema")
      expect(calls).toBe(1)
      expect(log).toEqual([])
      expect(yield* Effect.flip(untilNatsAnswers(Effect.fail(new Gone()), wait))).toBeInstanceOf(Gone)
    }))

  it.effect("gives up with NatsAway once NATS has not answered for maxWaitMs", () =>
    Effect.gen(function*() {
      const { log, wait } = recorder()
      const fiber = yield* Effect.forkChild(Effect.flip(untilNatsAnswers(Effect.fail(unavailable()), { ...wait, maxWaitMs: 20_000 })))
      yield* TestClock.adjust("25 seconds")
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("NatsAway")
      expect(error.message).toMatch(/NATS has not answered for 2\d s/)
      expect(log.at(-1)).toMatch(/answered false$/)
    }))

  it("backs off from 250 ms to 5 s, with jitter", () => {
    expect(natsBackoffMs(0, 0.5)).toBe(250)
    expect(natsBackoffMs(3, 0.5)).toBe(2_000)
    expect(natsBackoffMs(10, 0.5)).toBe(5_000)
    expect(natsBackoffMs(10, 0)).toBe(4_000)
    expect(natsBackoffMs(10, 1)).toBe(6_000)
  })
})

describe("heartbeatLoop", () => {
  it.effect("goes on after a beat NATS refused, and stops on any other failure", () =>
    Effect.gen(function*() {
      let beats = 0
      const beat = Effect.suspend((): Effect.Effect<void, Gone | NatsError> => {
        beats++
        if (beats === 2) return Effect.fail(badValue())
        if (beats === 5) return Effect.fail(new Gone())
        return Effect.void
      })
      const fiber = yield* Effect.forkChild(Effect.flip(heartbeatLoop(beat, 1_000)))
      yield* TestClock.adjust("3500 millis")
      expect(beats).toBe(3) // the second beat failed; the third came on time
      yield* TestClock.adjust("10 seconds")
      expect(yield* Fiber.join(fiber)).toBeInstanceOf(Gone)
      expect(beats).toBe(5)
    }))
})
