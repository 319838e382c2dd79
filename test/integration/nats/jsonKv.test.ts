import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Option, Queue, Schema, Stream } from "effect"
import { jsonKv } from "../../../src/nats/JsonKv.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { ensureTopology } from "../../../src/nats/Topology.ts"
import { testNatsLayer } from "../../helpers/nats.ts"

const Doc = Schema.Struct({ name: Schema.String, n: Schema.Int })

const openJobs = Effect.gen(function*() {
  yield* ensureTopology
  const { names } = yield* Nats
  return yield* jsonKv(names.jobsBucket, Doc)
})

describe("jsonKv", () => {
  it.live("create is atomic, update is compare-and-set", () =>
    Effect.gen(function*() {
      const kv = yield* openJobs
      const first = yield* kv.create("job-1", { name: "a", n: 1 })
      expect(Option.isSome(first)).toBe(true)
      expect(yield* kv.create("job-1", { name: "b", n: 2 })).toEqual(Option.none())
      const got = yield* kv.get("job-1")
      expect(Option.map(got, (e) => e.value)).toEqual(Option.some({ name: "a", n: 1 }))
      const rev = Option.getOrThrow(first)
      expect(Option.map(got, (e) => e.revision)).toEqual(Option.some(rev))

      const updated = yield* kv.update("job-1", { name: "a", n: 2 }, rev)
      expect(Option.isSome(updated)).toBe(true)
      // a writer holding the old revision loses
      expect(yield* kv.update("job-1", { name: "stale", n: 0 }, rev)).toEqual(Option.none())
      expect(Option.map(yield* kv.get("job-1"), (e) => e.value.n)).toEqual(Option.some(2))

      // concurrent creates: exactly one wins
      const results = yield* Effect.all(
        Array.from({ length: 10 }, (_, i) => kv.create("race", { name: `w${i}`, n: i })),
        { concurrency: "unbounded" }
      )
      expect(results.filter(Option.isSome)).toHaveLength(1)
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("modify: concurrent increments all land; a missing key is None", () =>
    Effect.gen(function*() {
      const kv = yield* openJobs
      yield* kv.create("counter", { name: "c", n: 0 })
      yield* Effect.all(
        Array.from({ length: 20 }, () => kv.modify("counter", (d) => ({ ...d, n: d.n + 1 }))),
        { concurrency: "unbounded" }
      )
      expect(Option.map(yield* kv.get("counter"), (e) => e.value.n)).toEqual(Option.some(20))
      expect(yield* kv.modify("no-such-key", (d) => d)).toEqual(Option.none())
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("put, delete, keys and values", () =>
    Effect.gen(function*() {
      const kv = yield* openJobs
      expect(yield* kv.get("missing")).toEqual(Option.none())
      expect(yield* kv.values()).toEqual([])
      expect(yield* kv.keys()).toEqual([])
      yield* kv.put("revision.1", { name: "r1", n: 1 })
      yield* kv.put("revision.2", { name: "r2", n: 2 })
      yield* kv.put("current", { name: "c", n: 2 })
      const r = yield* kv.put("current", { name: "c", n: 3 })
      expect(r).toBeGreaterThan(0)
      expect([...(yield* kv.keys())].sort()).toEqual(["current", "revision.1", "revision.2"])
      expect([...(yield* kv.keys("revision.*"))].sort()).toEqual(["revision.1", "revision.2"])
      yield* kv.delete("revision.1")
      expect(yield* kv.get("revision.1")).toEqual(Option.none())
      const values = yield* kv.values()
      expect(values.map((v) => [v.key, v.value]).sort()).toEqual([
        ["current", { name: "c", n: 3 }],
        ["revision.2", { name: "r2", n: 2 }]
      ])
      // a deleted key can be created again
      expect(Option.isSome(yield* kv.create("revision.1", { name: "again", n: 1 }))).toBe(true)
      // deleting a missing key is fine
      yield* kv.delete("never-existed")
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("rejects values that do not match the schema, both ways", () =>
    Effect.gen(function*() {
      const kv = yield* openJobs
      const { kvm, names } = yield* Nats
      const bad = yield* kv.put("x", { name: "x", n: 1.5 }).pipe(Effect.flip)
      expect(bad.message).toContain("does not match its schema")
      const raw = yield* Effect.promise(() => kvm.open(names.jobsBucket))
      yield* Effect.promise(() => raw.put("corrupt", JSON.stringify({ name: 42 })))
      const err = yield* kv.get("corrupt").pipe(Effect.flip)
      expect(err._tag).toBe("NatsError")
      expect(err.message).toContain("corrupt")
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("watch yields the existing values, then changes", () =>
    Effect.gen(function*() {
      const kv = yield* openJobs
      yield* kv.put("a", { name: "a", n: 1 })
      yield* kv.put("b", { name: "b", n: 1 })
      const seen = yield* Queue.unbounded<{ key: string; value: Option.Option<typeof Doc.Type> }>()
      const fiber = yield* kv.watch().pipe(
        Stream.runForEach((e) => Queue.offer(seen, { key: e.key, value: e.value })),
        Effect.forkChild
      )
      const initial = [yield* Queue.take(seen), yield* Queue.take(seen)]
      expect(initial.map((e) => e.key).sort()).toEqual(["a", "b"])
      yield* kv.put("c", { name: "c", n: 1 })
      yield* kv.delete("a")
      yield* kv.put("b", { name: "b", n: 2 })
      const changes = [yield* Queue.take(seen), yield* Queue.take(seen), yield* Queue.take(seen)]
      expect(changes).toEqual([
        { key: "c", value: Option.some({ name: "c", n: 1 }) },
        { key: "a", value: Option.none() },
        { key: "b", value: Option.some({ name: "b", n: 2 }) }
      ])
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("watch on an empty bucket waits for the first change", () =>
    Effect.gen(function*() {
      const kv = yield* openJobs
      const fiber = yield* kv.watch().pipe(Stream.take(1), Stream.runCollect, Effect.forkChild)
      yield* Effect.sleep("200 millis")
      yield* kv.put("first", { name: "f", n: 1 })
      const got = yield* Fiber.join(fiber)
      expect(got.map((e) => e.key)).toEqual(["first"])
    }).pipe(Effect.provide(testNatsLayer())))
})
