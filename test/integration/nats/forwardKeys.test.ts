import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { advanceWatermark, IngestWatermarkKey } from "../../../src/daemon/ingest/watermark.ts"
import { IngestWatermark } from "../../../src/domain/recovery.ts"
import { exampleModel } from "../../../src/seed/generate.ts"
import { ModelRepo } from "../../../src/repos/ModelRepo.ts"
import { RecoveryRepo } from "../../../src/repos/RecoveryRepo.ts"
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

describe("keys that only move forward, written at once by several daemons (real nats-server)", () => {
  it.live("model pushes racing each other leave `current` on the highest revision", () =>
    Effect.gen(function*() {
      const prefix = uniquePrefix()
      yield* ensureTopology.pipe(Effect.provideContext(yield* Layer.build(testNatsLayer(prefix))))
      const repos = [
        yield* Effect.service(ModelRepo).pipe(Effect.provide(ModelRepo.layer), Effect.provideContext(yield* Layer.build(testNatsLayer(prefix)))),
        yield* Effect.service(ModelRepo).pipe(Effect.provide(ModelRepo.layer), Effect.provideContext(yield* Layer.build(testNatsLayer(prefix))))
      ]
      const pushed = yield* Effect.all(
        Array.from({ length: 12 }, (_, k) => repos[k % 2]!.push(exampleModel(), `pusher-${k}`)),
        { concurrency: "unbounded" }
      )
      const revisions = pushed.map((r) => r.revision).sort((a, b) => a - b)
      expect(revisions).toEqual(Array.from({ length: 12 }, (_, k) => k + 1))
      expect(yield* repos[0]!.currentRevision()).toBe(12)
    }).pipe(Effect.scoped))

  it.live("recovery runs ending out of order leave the automatic watermark at the latest end", () =>
    Effect.gen(function*() {
      yield* ensureTopology
      const repo = yield* Effect.service(RecoveryRepo).pipe(Effect.provide(RecoveryRepo.layer))
      const ends = scrambled(20).map((k) => ({ at: conversation(k).endTime, runId: `run-${k}`, updatedAt: new Date().toISOString() }))
      yield* Effect.all(ends.map((w) => repo.advanceWatermark(w)), { concurrency: "unbounded" })
      expect(Option.getOrThrow(yield* repo.watermark()).runId).toBe("run-19")
      yield* repo.advanceWatermark({ at: conversation(0).endTime, runId: "late", updatedAt: new Date().toISOString() })
      expect(Option.getOrThrow(yield* repo.watermark()).runId).toBe("run-19")
    }).pipe(Effect.provide(testNatsLayer())))
})
