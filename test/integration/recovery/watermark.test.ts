import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { advanceWatermark, IngestWatermarkKey } from "../../../src/daemon/ingest/watermark.ts"
import { IngestWatermark } from "../../../src/domain/recovery.ts"
import { jsonKv } from "../../../src/nats/JsonKv.ts"
import { Nats } from "../../../src/nats/Nats.ts"
import { ensureTopology } from "../../../src/nats/Topology.ts"
import { testNatsLayer, uniquePrefix } from "../../helpers/nats.ts"

const openMarks = Effect.gen(function*() {
  yield* ensureTopology
  const { names } = yield* Nats
  return yield* jsonKv(names.recoveryBucket, IngestWatermark)
})

/** Conversation k ends k minutes after midnight. */
const conversation = (k: number) => ({ id: `c-${k}`, endTime: new Date(Date.UTC(2026, 11, 1, 0, k)).toISOString() })

/** 0 .. n−1 in a fixed scrambled order (a stride coprime with n). */
const scrambled = (n: number) => Array.from({ length: n }, (_, i) => (i * 17 + 5) % n)

describe("live ingestion's watermark (real nats-server)", () => {
  it.live("handlers advancing it at once leave the latest conversation's end, whatever order they finish in", () =>
    Effect.gen(function*() {
      const marks = yield* openMarks
      const order = scrambled(40)
      expect(new Set(order).size).toBe(40)
      yield* Effect.all(order.map((k) => advanceWatermark(marks, conversation(k))), { concurrency: "unbounded" })
      const mark = Option.getOrThrow(yield* marks.get(IngestWatermarkKey)).value
      expect(mark).toMatchObject({ at: conversation(39).endTime, conversationId: "c-39" })

      // An older conversation ingested later (a retry, a late event) leaves it where it is.
      yield* advanceWatermark(marks, conversation(3))
      expect(Option.getOrThrow(yield* marks.get(IngestWatermarkKey)).value.conversationId).toBe("c-39")
    }).pipe(Effect.provide(testNatsLayer())))

  it.live("two daemons' handlers (two connections) racing still leave the latest end", () =>
    Effect.gen(function*() {
      const prefix = uniquePrefix()
      const a = yield* openMarks.pipe(Effect.provideContext(yield* Layer.build(testNatsLayer(prefix))))
      const b = yield* openMarks.pipe(Effect.provideContext(yield* Layer.build(testNatsLayer(prefix))))
      const order = scrambled(30)
      yield* Effect.all(order.map((k) => advanceWatermark(k % 2 === 0 ? a : b, conversation(k))), { concurrency: "unbounded" })
      expect(Option.getOrThrow(yield* b.get(IngestWatermarkKey)).value.conversationId).toBe("c-29")
    }).pipe(Effect.scoped))

  it.live("deleted by hand, it is written again by the next conversation ingested", () =>
    Effect.gen(function*() {
      const marks = yield* openMarks
      yield* advanceWatermark(marks, conversation(10))
      yield* marks.delete(IngestWatermarkKey)
      yield* advanceWatermark(marks, conversation(2))
      expect(Option.getOrThrow(yield* marks.get(IngestWatermarkKey)).value).toMatchObject({ at: conversation(2).endTime, conversationId: "c-2" })
    }).pipe(Effect.provide(testNatsLayer())))
})
