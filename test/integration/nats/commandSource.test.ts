import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Option, Queue, Stream } from "effect"
import { type CommandMessage, commandStream } from "../../../src/nats/CommandSource.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { ensureTopology } from "../../../src/nats/Topology.ts"
import { testNatsLayer } from "../../helpers/nats.ts"

const text = (m: CommandMessage) => new TextDecoder().decode(m.data)

const publish = (bodies: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const { js, names } = yield* Nats
    for (const body of bodies) {
      yield* Effect.promise(() => js.publish(names.cmd("job.create"), body))
    }
  })

const streamState = Effect.gen(function*() {
  const { jsm, names } = yield* Nats
  const stream = yield* Effect.promise(() => jsm.streams.info(names.cmdStream))
  const consumer = yield* Effect.promise(() => jsm.consumers.info(names.cmdStream, names.cmdConsumer))
  return { messages: stream.state.messages, ackPending: consumer.num_ack_pending, pending: consumer.num_pending }
})

/** Waits until the command stream is empty (acknowledged or terminated commands leave it). */
const eventuallyEmpty = Effect.gen(function*() {
  for (let i = 0; i < 50; i++) {
    const s = yield* streamState
    if (s.messages === 0 && s.ackPending === 0) return s
    yield* Effect.sleep("100 millis")
  }
  return yield* streamState
})

describe("commandStream", () => {
  it.live("delivers commands in order and ack removes them", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      const bodies = Array.from({ length: 20 }, (_, i) => JSON.stringify({ n: i }))
      yield* publish(bodies)
      const got = yield* commandStream.pipe(
        Stream.mapEffect((m) => m.ack().pipe(Effect.as(m))),
        Stream.take(bodies.length),
        Stream.runCollect
      )
      const received = got
      expect(received.map(text)).toEqual(bodies)
      expect(received.map((m) => m.streamSeq)).toEqual(bodies.map((_, i) => i + 1))
      expect(received.every((m) => !m.redelivered && m.deliveryCount === 1)).toBe(true)
      expect(received[0]?.subject).toMatch(/\.cmd\.job\.create$/)
      const state = yield* eventuallyEmpty
      expect(state).toEqual({ messages: 0, ackPending: 0, pending: 0 })
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("nak redelivers", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      yield* publish(["retry-me"])
      const got = yield* commandStream.pipe(
        Stream.mapEffect((m) => (m.deliveryCount === 1 ? m.nak() : m.ack()).pipe(Effect.as(m))),
        Stream.take(2),
        Stream.runCollect
      )
      const [first, second] = got
      expect(first?.streamSeq).toBe(second?.streamSeq)
      expect(second?.redelivered).toBe(true)
      expect(second?.deliveryCount).toBe(2)
      expect(second && text(second)).toBe("retry-me")
      expect((yield* eventuallyEmpty).messages).toBe(0)
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("nak with a delay redelivers after the delay", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      yield* publish(["later"])
      const started = Date.now()
      const got = yield* commandStream.pipe(
        Stream.mapEffect((m) => (m.deliveryCount === 1 ? m.nak(700) : m.ack()).pipe(Effect.as(Date.now()))),
        Stream.take(2),
        Stream.runCollect
      )
      const [, second] = got
      expect((second ?? 0) - started).toBeGreaterThanOrEqual(600)
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("term drops the command for good; the next one still arrives", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      yield* publish(["poison", "fine"])
      const got = yield* commandStream.pipe(
        Stream.mapEffect((m) => (text(m) === "poison" ? m.term("bad command") : m.ack()).pipe(Effect.as(m))),
        Stream.take(2),
        Stream.runCollect
      )
      expect(got.map(text)).toEqual(["poison", "fine"])
      expect((yield* eventuallyEmpty).messages).toBe(0)
      // nothing comes back
      const again = yield* commandStream.pipe(Stream.runHead, Effect.timeoutOption("1500 millis"))
      expect(Option.isNone(again)).toBe(true)
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("an unacknowledged command is redelivered to the next consumer session", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      yield* publish(["in-flight"])
      const first = yield* commandStream.pipe(Stream.runHead)
      expect(Option.map(first, text)).toEqual(Option.some("in-flight"))
      // the daemon "crashed" before acking: force redelivery now instead of after ack_wait
      yield* Option.match(first, { onNone: () => Effect.void, onSome: (m) => m.nak() })
      const second = yield* commandStream.pipe(Stream.runHead)
      // (the server may count the delivery to the closed session as not having happened)
      expect(Option.map(second, (m) => [m.streamSeq, text(m)])).toEqual(Option.some([1, "in-flight"]))
      yield* Option.match(second, { onNone: () => Effect.void, onSome: (m) => m.ack() })
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("recreates a deleted consumer and keeps delivering", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      const { jsm, names } = yield* Nats
      const received = yield* Queue.unbounded<string>()
      const fiber = yield* commandStream.pipe(
        Stream.runForEach((m) => m.ack().pipe(Effect.andThen(Queue.offer(received, text(m))))),
        Effect.forkChild
      )
      yield* publish(["before"])
      expect(yield* Queue.take(received)).toBe("before")
      yield* Effect.promise(() => jsm.consumers.delete(names.cmdStream, names.cmdConsumer))
      yield* Effect.sleep("300 millis")
      yield* publish(["after"])
      // Delivery is at least once: an ack still in flight when the consumer was deleted lets
      // the recreated consumer deliver "before" again. What matters is that "after" arrives.
      const after = yield* Effect.gen(function*() {
        for (;;) {
          const m = yield* Queue.take(received)
          if (m === "after") return m
          expect(m).toBe("before")
        }
      }).pipe(Effect.timeoutOption("20 seconds"))
      expect(after).toEqual(Option.some("after"))
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(testNatsLayer())), 30_000)

  it.live("absorbs a burst of commands", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      const { js, names } = yield* Nats
      const n = 2000
      yield* Effect.promise(() =>
        Promise.all(Array.from({ length: n }, (_, i) => js.publish(names.cmd("recovery.run"), JSON.stringify({ i }))))
      )
      const count = yield* commandStream.pipe(
        Stream.mapEffect((m) =>
          Effect.gen(function*() {
            yield* m.ack()
            return m.streamSeq
          })
        ),
        Stream.take(n),
        Stream.runFold(() => 0, (acc) => acc + 1)
      )
      expect(count).toBe(n)
      expect((yield* eventuallyEmpty).messages).toBe(0)
    }).pipe(Effect.provide(testNatsLayer())), 30_000)

  it.live("ends when the connection is closed", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      const { nc } = yield* Nats
      const fiber = yield* commandStream.pipe(Stream.runDrain, Effect.forkChild)
      yield* Effect.sleep("200 millis")
      yield* Effect.promise(() => nc.close())
      const exit = yield* Fiber.await(fiber).pipe(Effect.timeoutOption("10 seconds"))
      expect(Option.map(exit, (e) => e._tag)).toEqual(Option.some("Success"))
    }).pipe(Effect.provide(testNatsLayer())))
})
